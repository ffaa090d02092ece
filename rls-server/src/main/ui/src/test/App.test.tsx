import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../App';
import { getToken } from '../token';
import { health, mockApi, overview } from './fixtures';

describe('App', () => {
  it('navigates between pages without reloading', async () => {
    mockApi({ '/api/overview': { json: overview() }, '/api/health': { json: health() } });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('link', { name: 'Health' }));
    expect(window.location.pathname).toBe('/ui/health');
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeInTheDocument();
  });

  it('keeps the token in sessionStorage and forgets it', async () => {
    mockApi({ '/api/overview': { json: overview() } });
    render(<App />);
    await userEvent.type(screen.getByLabelText('Admin token'), 'my-admin-token-0123');
    await userEvent.click(screen.getByRole('button', { name: 'Use token' }));
    expect(sessionStorage.getItem('rls.adminToken')).toBe('my-admin-token-0123');
    expect(getToken()).toBe('my-admin-token-0123');
    expect(screen.getByText('admin token set')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Forget token' }));
    expect(sessionStorage.getItem('rls.adminToken')).toBeNull();
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
  });

  it('says when a page does not exist', async () => {
    mockApi({});
    window.history.replaceState(null, '', '/ui/nope');
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Not found' })).toBeInTheDocument();
  });
});
