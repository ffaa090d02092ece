import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BLOCK, Tenants } from '../pages/Tenants';
import { mockApi, row, unreachable } from './fixtures';

function pages(total: number) {
  return (c: { url: string }) => {
    const u = new URL(c.url, 'http://x');
    const offset = Number(u.searchParams.get('offset'));
    const limit = Number(u.searchParams.get('limit'));
    const n = Math.max(0, Math.min(limit, total - offset));
    const tenants = Array.from({ length: n }, (_, i) =>
      row(`tenant-${String(offset + i).padStart(5, '0')}`, { denied5m: offset + i }),
    );
    return { json: { total, offset, limit, sort: u.searchParams.get('sort'), tenants } };
  };
}

describe('Tenants', () => {
  it('renders a row with mode, limit, rate against limit, fill and denials', async () => {
    mockApi({
      '/api/tenants': {
        json: {
          total: 1,
          offset: 0,
          limit: BLOCK,
          sort: 'id',
          tenants: [row('tenant-a', { mode: 'shadow', denied5m: 17, shadowDenied5m: 3, adminOverride: true })],
        },
      },
    });
    render(<Tenants />);
    const r = await screen.findByRole('row', { name: /tenant-a/ });
    expect(r).toHaveTextContent('shadow');
    expect(r).toHaveTextContent('admin');
    expect(r.querySelector('[data-col=limit]')).toHaveTextContent('10,000 / 200,000');
    expect(r.querySelector('[data-col=items]')).toHaveTextContent('750.00 (7.50%)');
    expect(r.querySelector('[data-col=fill]')).toHaveTextContent('88.25%');
    expect(r.querySelector('[data-col=denied5m]')).toHaveTextContent('17');
    expect(r.querySelector('[data-col=shadowDenied5m]')).toHaveTextContent('3');
    expect(screen.getByRole('link', { name: 'tenant-a' })).toHaveAttribute('href', '/ui/tenants/tenant-a');
  });

  it('keeps only the visible rows of 10,000 tenants in the page', async () => {
    const calls = mockApi({ '/api/tenants': pages(10000) });
    render(<Tenants />);
    expect(await screen.findByText('10,000 tenants')).toBeInTheDocument();
    await screen.findByRole('row', { name: /tenant-00000/ });
    const rows = screen.getAllByRole('row');
    expect(rows.length).toBeLessThan(80);
    expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '10000');
    expect(calls.every((c) => c.url.includes(`limit=${BLOCK}`))).toBe(true);
  });

  it('sorts on the server when a header is clicked, biggest denials first', async () => {
    const calls = mockApi({ '/api/tenants': pages(3) });
    render(<Tenants />);
    await screen.findByRole('row', { name: /tenant-00000/ });
    await userEvent.click(screen.getByRole('columnheader', { name: /denied 5m/ }));
    await waitFor(() => expect(calls.at(-1)!.url).toContain('sort=-denials'));
    expect(screen.getByRole('columnheader', { name: /denied 5m/ })).toHaveAttribute('aria-sort', 'descending');
    await userEvent.click(screen.getByRole('columnheader', { name: /denied 5m/ }));
    await waitFor(() => expect(calls.at(-1)!.url).toContain('sort=denials'));
  });

  it('filters on the server by tenant ID', async () => {
    const calls = mockApi({ '/api/tenants': pages(3) });
    render(<Tenants />);
    await screen.findByRole('row', { name: /tenant-00000/ });
    fireEvent.change(screen.getByLabelText('Filter tenants'), { target: { value: 'team-x' } });
    await waitFor(() => expect(calls.at(-1)!.url).toContain('q=team-x'));
  });

  it('says when no tenant matches', async () => {
    mockApi({ '/api/tenants': pages(0) });
    render(<Tenants />);
    expect(await screen.findByText(/No tenants known yet/)).toBeInTheDocument();
  });

  it('shows the error when the RLS is unreachable', async () => {
    unreachable();
    render(<Tenants />);
    expect(await screen.findByRole('alert')).toHaveTextContent('RLS unreachable');
  });

  it('links the CSV export', () => {
    mockApi({ '/api/tenants': pages(0) });
    render(<Tenants />);
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/export/csv?what=tenants');
  });
});
