import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Tenant } from '../pages/Tenant';
import { setToken } from '../token';
import { INGESTION_RATE_MESSAGE, denial, detail, mockApi } from './fixtures';

describe('Tenant', () => {
  it('shows limits with their sources, usage and recent denials', async () => {
    mockApi({ '/api/tenants/tenant-a': { json: detail('tenant-a') } });
    render(<Tenant id="tenant-a" />);
    const limits = await screen.findByTestId('limits');
    const rate = within(limits).getByText('ingestion_rate').closest('tr')!;
    expect(rate).toHaveTextContent('10,000');
    expect(rate).toHaveTextContent('overrides');
    expect(within(limits).getByText('ingestion_burst_size').closest('tr')).toHaveTextContent('default');
    expect(screen.getByTestId('items-per-second')).toHaveTextContent('1,125.50');
    expect(screen.getByTestId('tenant-denied-5m')).toHaveTextContent('4');
    expect(screen.getByTestId('ingestion-fill')).toHaveTextContent('75.00%');
    expect(within(screen.getByTestId('denials')).getByText('ingestion_rate')).toBeInTheDocument();
  });

  it("shows a recent denial's Mimir error id on its row and its full message when opened", async () => {
    mockApi({
      '/api/tenants/tenant-a': {
        json: detail('tenant-a', { recentDenials: [denial('tenant-a', 'ingestion_rate', { message: INGESTION_RATE_MESSAGE })] }),
      },
    });
    render(<Tenant id="tenant-a" />);
    const table = await screen.findByTestId('denials');
    const row = within(table).getByText('ingestion_rate').closest('tr')!;
    expect(within(row).getByText('err-mimir-tenant-max-ingestion-rate')).toBeInTheDocument();
    expect(within(table).queryByText(INGESTION_RATE_MESSAGE)).not.toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: /^Message of the ingestion_rate denial/ }));
    expect(within(table).getByTestId('denial-message').textContent).toBe(INGESTION_RATE_MESSAGE);
  });

  it('names the Mimir settings the edge does not apply, and nothing when there are none', async () => {
    mockApi({
      '/api/tenants/t': { json: detail('t', { notMirrored: ['metric_relabel_configs', 'drop_labels'] }) },
      '/api/tenants/u': { json: detail('u') },
    });
    const { unmount } = render(<Tenant id="t" />);
    const note = await screen.findByTestId('not-mirrored');
    expect(note).toHaveTextContent('metric_relabel_configs, drop_labels');
    expect(note).toHaveTextContent('edge_enforcement.mode: shadow');
    unmount();
    render(<Tenant id="u" />);
    await screen.findByTestId('limits');
    expect(screen.queryByTestId('not-mirrored')).not.toBeInTheDocument();
  });

  it('marks admin overrides', async () => {
    const d = detail('t');
    d.adminOverride = true;
    d.limits.ingestion_rate = { value: 5, source: 'admin' };
    mockApi({ '/api/tenants/t': { json: d } });
    render(<Tenant id="t" />);
    const limits = await screen.findByTestId('limits');
    expect(within(limits).getByText('ingestion_rate').closest('tr')).toHaveTextContent('admin override');
  });

  it('is read-only without a token', async () => {
    mockApi({ '/api/tenants/tenant-a': { json: detail('tenant-a') } });
    render(<Tenant id="tenant-a" />);
    expect(await screen.findByTestId('read-only')).toBeInTheDocument();
    expect(screen.getByLabelText('ingestion_rate')).toBeDisabled();
    expect(screen.getByLabelText('mode')).toBeDisabled();
  });

  it('changes a limit with the token and shows the answer', async () => {
    setToken('token-0123456789abcdef');
    const changed = detail('tenant-a');
    changed.limits.ingestion_rate = { value: 5, source: 'admin' };
    changed.adminOverride = true;
    const calls = mockApi({
      '/api/tenants/tenant-a': { json: detail('tenant-a') },
      'PUT /api/tenants/tenant-a/limits': { json: changed },
    });
    render(<Tenant id="tenant-a" />);
    const input = await screen.findByLabelText('ingestion_rate');
    expect(input).toBeEnabled();
    fireEvent.change(input, { target: { value: '5' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    // the PUT leaves once the click's handler has run: on a busy machine after the click returns
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.headers.Authorization).toBe('Bearer token-0123456789abcdef');
    expect(put.body).toEqual({ ingestion_rate: 5 });
    expect(await screen.findByTestId('change-ok')).toHaveTextContent('ingestion_rate saved');
    expect(within(screen.getByTestId('limits')).getByText('ingestion_rate').closest('tr')).toHaveTextContent(
      'admin override',
    );
  });

  it('shows the API message of a 401', async () => {
    setToken('wrong-token');
    mockApi({
      '/api/tenants/tenant-a': { json: detail('tenant-a') },
      'PUT /api/tenants/tenant-a/mode': { status: 401, json: { code: 401, message: 'wrong bearer token', problems: [] } },
    });
    render(<Tenant id="tenant-a" />);
    await userEvent.selectOptions(await screen.findByLabelText('mode'), 'shadow');
    await userEvent.click(screen.getByRole('button', { name: 'Set mode' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not authorized (401)');
    expect(alert).toHaveTextContent('wrong bearer token');
  });

  it('shows the API message of a 403 when the RLS has no token configured', async () => {
    setToken('any-token');
    mockApi({
      '/api/tenants/tenant-a': { json: detail('tenant-a', { adminOverride: true }) },
      'DELETE /api/tenants/tenant-a/limits': {
        status: 403,
        json: { code: 403, message: 'admin changes are disabled: no admin token is configured', problems: [] },
      },
    });
    render(<Tenant id="tenant-a" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Clear admin override' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Forbidden (403)');
    expect(alert).toHaveTextContent('no admin token is configured');
  });

  it('shows the API problems of a refused value', async () => {
    setToken('token-0123456789abcdef');
    mockApi({
      '/api/tenants/tenant-a': { json: detail('tenant-a') },
      'PUT /api/tenants/tenant-a/limits': {
        status: 400,
        json: { code: 400, message: 'invalid limits, nothing was changed', problems: ['ingestion_rate: must be a number'] },
      },
    });
    render(<Tenant id="tenant-a" />);
    fireEvent.change(await screen.findByLabelText('ingestion_rate'), { target: { value: 'lots' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('invalid limits, nothing was changed');
    expect(alert).toHaveTextContent('ingestion_rate: must be a number');
  });

  it('clears an admin override', async () => {
    setToken('token-0123456789abcdef');
    const d = detail('tenant-a', { adminOverride: true });
    const calls = mockApi({
      '/api/tenants/tenant-a': { json: d },
      'DELETE /api/tenants/tenant-a/limits': { json: detail('tenant-a') },
    });
    render(<Tenant id="tenant-a" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Clear admin override' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE')).toBe(true));
    expect(await screen.findByTestId('change-ok')).toHaveTextContent('admin override cleared');
  });

  it('says when there are no recent denials', async () => {
    mockApi({ '/api/tenants/quiet': { json: detail('quiet', { recentDenials: [] }) } });
    render(<Tenant id="quiet" />);
    expect(await screen.findByText('No recent denials for quiet.')).toBeInTheDocument();
  });
});
