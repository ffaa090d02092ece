import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Denials } from '../pages/Denials';
import { INGESTION_RATE_MESSAGE, denial, denials, mockApi, unreachable } from './fixtures';

const rowOf = (el: HTMLElement) => el.closest('tr')!;
const cell = (row: HTMLElement, col: string) => row.querySelector<HTMLElement>(`[data-col="${col}"]`)!;
/** The disclosure button of the (one) denial row of this tenant. */
const messageButton = (tenant: string) =>
  within(rowOf(screen.getByRole('link', { name: tenant }))).getByRole('button', { name: /^Message of the/ });

describe('Denials', () => {
  it('lists the recent denials with tenant, reason and message', async () => {
    mockApi({ '/api/denials': { json: denials() } });
    render(<Denials />);
    expect(await screen.findByRole('link', { name: 'tenant-a' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'tenant-b' })).toBeInTheDocument();
    expect(screen.getByTestId('denials-recorded')).toHaveTextContent('4,242');
    await userEvent.click(messageButton('tenant-b'));
    expect(screen.getByText(/exceeded the label_value_too_long limit/)).toBeInTheDocument();
  });

  it('shows each denial on one row, with its reason and Mimir error id, the message only when opened', async () => {
    mockApi({
      '/api/denials': { json: denials([denial('tenant-a', 'ingestion_rate', { message: INGESTION_RATE_MESSAGE })]) },
    });
    render(<Denials />);
    const row = rowOf(await screen.findByRole('link', { name: 'tenant-a' }));
    expect(cell(row, 'reason')).toHaveTextContent('ingestion_rate');
    expect(cell(row, 'mimir-id')).toHaveTextContent(/^err-mimir-tenant-max-ingestion-rate$/);
    expect(screen.queryByText(/maximum allowed burst of 600/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('denial-message')).not.toBeInTheDocument();

    const button = messageButton('tenant-a');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const message = screen.getByTestId('denial-message');
    expect(message.textContent).toBe(INGESTION_RATE_MESSAGE);
    expect(button).toHaveAttribute('aria-controls', message.closest('tr')!.id);
    expect(screen.getByRole('link', { name: /Mimir runbook/ })).toHaveAttribute(
      'href',
      'https://grafana.com/docs/mimir/latest/manage/mimir-runbooks/#err-mimir-tenant-max-ingestion-rate',
    );

    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByTestId('denial-message')).not.toBeInTheDocument();
  });

  it('shows a dash for a denial whose message has no Mimir error id, and the message when opened', async () => {
    mockApi({
      '/api/denials': { json: denials([denial('tenant-a', 'missing_tenant', { message: 'no org id', status: 401 })]) },
    });
    render(<Denials />);
    const row = rowOf(await screen.findByRole('link', { name: 'tenant-a' }));
    expect(cell(row, 'mimir-id')).toHaveTextContent(/^–$/);
    await userEvent.click(messageButton('tenant-a'));
    expect(screen.getByTestId('denial-message')).toHaveTextContent(/^no org id$/);
    expect(screen.queryByRole('link', { name: /Mimir runbook/ })).not.toBeInTheDocument();
  });

  it('opens and closes a message from the keyboard', async () => {
    mockApi({ '/api/denials': { json: denials([denial('tenant-a', 'ingestion_rate')]) } });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    const button = messageButton('tenant-a');
    button.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId('denial-message')).toHaveTextContent(/exceeded the ingestion_rate limit/);
    await userEvent.keyboard(' ');
    expect(screen.queryByTestId('denial-message')).not.toBeInTheDocument();
  });

  it('opens a message with a click anywhere on the row but the tenant link', async () => {
    mockApi({ '/api/denials': { json: denials([denial('tenant-a', 'ingestion_rate')]) } });
    render(<Denials />);
    const row = rowOf(await screen.findByRole('link', { name: 'tenant-a' }));
    await userEvent.click(screen.getByRole('link', { name: 'tenant-a' }));
    expect(messageButton('tenant-a')).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(cell(row, 'reason'));
    expect(messageButton('tenant-a')).toHaveAttribute('aria-expanded', 'true');
    await userEvent.click(cell(row, 'mimir-id'));
    expect(messageButton('tenant-a')).toHaveAttribute('aria-expanded', 'false');
  });

  it('copies the full message', async () => {
    const user = userEvent.setup();
    mockApi({
      '/api/denials': { json: denials([denial('tenant-a', 'ingestion_rate', { message: INGESTION_RATE_MESSAGE })]) },
    });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    await user.click(messageButton('tenant-a'));
    await user.click(screen.getByRole('button', { name: 'Copy message' }));
    expect(await navigator.clipboard.readText()).toBe(INGESTION_RATE_MESSAGE);
    expect(screen.getByRole('status')).toHaveTextContent('Copied.');
  });

  it('selects the message for Ctrl+C when there is no clipboard', async () => {
    mockApi({ '/api/denials': { json: denials([denial('tenant-a', 'ingestion_rate', { message: INGESTION_RATE_MESSAGE })]) } });
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    fireEvent.click(messageButton('tenant-a'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy message' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Selected: press Ctrl+C to copy.');
    expect(window.getSelection()!.toString()).toBe(INGESTION_RATE_MESSAGE);
  });

  it('shows what Mimir would not have counted and the Retry-After sent', async () => {
    mockApi({
      '/api/denials': {
        json: denials([
          denial('tenant-a', 'label_value_too_long', {
            notCounted: { label_value_too_long: 1200, duplicate_samples: 3 },
            retryAfterSeconds: null,
          }),
          denial('tenant-b', 'ingestion_rate', { retryAfterSeconds: 7 }),
        ]),
      },
    });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    await userEvent.click(messageButton('tenant-a'));
    expect(screen.getByTestId('not-counted')).toHaveTextContent(
      'Mimir would not have counted: 1,200 label_value_too_long, 3 duplicate_samples',
    );
    expect(screen.queryByText(/Retry-After/)).not.toBeInTheDocument();
    await userEvent.click(messageButton('tenant-b'));
    expect(screen.getByText('Retry-After 7 s')).toBeInTheDocument();
  });

  it('keeps an opened message open when newer denials arrive above it', async () => {
    window.history.replaceState(null, '', '/ui/denials?refresh=200');
    const older = denial('tenant-a', 'ingestion_rate', { time: '2026-11-23T11:59:58.123Z' });
    const newer = denial('tenant-b', 'label_value_too_long', { time: '2026-11-23T11:59:59.456Z' });
    let arrived = false;
    mockApi({ '/api/denials': () => ({ json: denials(arrived ? [newer, older] : [older]) }) });
    render(<Denials />);
    await screen.findByRole('link', { name: 'tenant-a' });
    await userEvent.click(messageButton('tenant-a'));
    expect(messageButton('tenant-a')).toHaveAttribute('aria-expanded', 'true');
    arrived = true;
    await screen.findByRole('link', { name: 'tenant-b' });
    expect(messageButton('tenant-a')).toHaveAttribute('aria-expanded', 'true');
    expect(messageButton('tenant-b')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getAllByTestId('denial-message')).toHaveLength(1);
    expect(screen.getByTestId('denial-message')).toHaveTextContent(/exceeded the ingestion_rate limit/);
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
