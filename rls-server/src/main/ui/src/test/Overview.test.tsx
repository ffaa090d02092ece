import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Overview } from '../pages/Overview';
import { mockApi, overview, unreachable, window as win } from './fixtures';

describe('Overview', () => {
  it('shows loading until the first answer', () => {
    mockApi({ '/api/overview': () => new Promise(() => {}) });
    render(<Overview />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading the overview');
  });

  it('renders the numbers of the 5-minute window', async () => {
    mockApi({ '/api/overview': { json: overview() } });
    render(<Overview />);
    expect(await screen.findByTestId('requests-per-second')).toHaveTextContent('5.00'); // 1500/300
    expect(screen.getByTestId('allowed')).toHaveTextContent('1,200');
    expect(screen.getByTestId('denied')).toHaveTextContent('270');
    expect(screen.getByTestId('shadow-denied')).toHaveTextContent('30');
    expect(screen.getByTestId('latency-p50')).toHaveTextContent('0.12 ms');
    expect(screen.getByTestId('latency-p99')).toHaveTextContent('2.50 ms');
    expect(screen.getByTestId('rollout-phase')).toHaveTextContent('canary');
    expect(screen.getByTestId('rollout-percent')).toHaveTextContent('25%');
    expect(screen.getByTestId('default-mode')).toHaveTextContent('enforce');
    const reasons = screen.getByTestId('reasons');
    const rate = within(reasons).getByText('ingestion_rate').closest('tr')!;
    expect(rate).toHaveTextContent('250');
    expect(rate).toHaveTextContent('30');
    expect(within(reasons).getByText('label_value_too_long').closest('tr')).toHaveTextContent('20');
    expect(within(screen.getByTestId('top-tenants')).getByRole('link', { name: 'tenant-a' })).toHaveAttribute(
      'href',
      '/ui/tenants/tenant-a',
    );
    expect(within(screen.getByTestId('doors')).getByText('shadow').closest('tr')).toHaveTextContent('7');
  });

  it('lists each door\'s load and what it shed', async () => {
    mockApi({
      '/api/overview': {
        json: overview({
          overload: {
            push: { limit: 128, inFlight: 3, shed: 0 },
            forwards: { limit: 512, inFlight: 512, shed: 41 },
          },
        }),
      },
    });
    render(<Overview />);
    const load = await screen.findByTestId('overload');
    const forwards = within(load).getByText('forwards').closest('tr')!;
    expect(forwards).toHaveTextContent('512');
    expect(within(forwards).getByText('41')).toHaveAttribute('data-col', 'shed');
    expect(forwards).toHaveClass('warn');
    expect(within(load).getByText('push').closest('tr')).not.toHaveClass('warn');
  });

  it('switches the window', async () => {
    mockApi({ '/api/overview': { json: overview() } });
    render(<Overview />);
    await screen.findByTestId('requests-per-second');
    await userEvent.click(screen.getByRole('button', { name: 'last 1m' }));
    expect(screen.getByTestId('requests-per-second')).toHaveTextContent('2.00'); // 120/60
    expect(screen.getByTestId('allowed')).toHaveTextContent('100');
  });

  it('says so when nothing was decided', async () => {
    const quiet = win({ requests: 0, allowed: 0, denied: {}, deniedTotal: 0, shadowDenied: 0, shadowDeniedByReason: {}, latency: { p50Ms: null, p99Ms: null, count: 0 } });
    mockApi({
      '/api/overview': { json: overview({ windows: { '1m': quiet, '5m': quiet, '1h': quiet }, topTenants: [] }) },
    });
    render(<Overview />);
    expect(await screen.findByText(/No decisions in the last 5m/)).toBeInTheDocument();
    expect(screen.getByText('No denials in the last 5m.')).toBeInTheDocument();
    expect(screen.getByTestId('latency-p99')).toHaveTextContent('—');
  });

  it('says the RLS is unreachable', async () => {
    unreachable();
    render(<Overview />);
    expect(await screen.findByRole('alert')).toHaveTextContent('RLS unreachable');
  });
});
