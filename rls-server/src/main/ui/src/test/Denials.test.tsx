import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Denials } from '../pages/Denials';
import { denial, denials, mockApi, unreachable } from './fixtures';

describe('Denials', () => {
  it('lists the recent denials with tenant, reason and message', async () => {
    mockApi({ '/api/denials': { json: denials() } });
    render(<Denials />);
    expect(await screen.findByRole('link', { name: 'tenant-a' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'tenant-b' })).toBeInTheDocument();
    expect(screen.getByTestId('denials-recorded')).toHaveTextContent('4,242');
    expect(screen.getByText(/exceeded the label_value_too_long limit/)).toBeInTheDocument();
  });

  it('shows the write protocol of each denial, a dash when nothing was scanned', async () => {
    mockApi({
      '/api/denials': {
        json: denials([
          denial('tenant-a', 'ingestion_rate', { protocol: 'rw2' }),
          denial('tenant-b', 'bad_content_type', { protocol: null }),
        ]),
      },
    });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    const cells = document.querySelectorAll('[data-col="protocol"]');
    expect([...cells].map((c) => c.textContent)).toEqual(['rw2', '–']);
  });

  it('filters by reason', async () => {
    mockApi({ '/api/denials': { json: denials() } });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-b' });
    await userEvent.selectOptions(screen.getByLabelText('Filter by reason'), 'ingestion_rate');
    expect(screen.queryByRole('link', { name: 'tenant-b' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'tenant-a' })).toBeInTheDocument();
    expect(screen.getByTestId('denials-shown')).toHaveTextContent('1');
  });

  it('asks the API for one tenant', async () => {
    const calls = mockApi({ '/api/denials': { json: denials([denial('tenant-b', 'bad_body')]) } });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-b' });
    fireEvent.change(screen.getByLabelText('Filter by tenant'), { target: { value: 'tenant-b' } });
    await waitFor(() => expect(calls.at(-1)!.url).toContain('tenant=tenant-b'));
  });

  it('links the CSV export', async () => {
    mockApi({ '/api/denials': { json: denials() } });
    render(<Denials />);
    expect(screen.getByTestId('csv-export')).toHaveAttribute('href', '/api/export/csv?what=denials');
  });

  it('says when there are none', async () => {
    mockApi({ '/api/denials': { json: denials([]) } });
    render(<Denials />);
    expect(await screen.findByText(/No denials/)).toBeInTheDocument();
  });

  it('says the RLS is unreachable', async () => {
    unreachable();
    render(<Denials />);
    expect(await screen.findByRole('alert')).toHaveTextContent('RLS unreachable');
  });
});
