import { render, screen, within } from '@testing-library/react';
import { Rollout, gateReadings, SEED_GATES } from '../pages/Rollout';
import { mockApi, overview, preview, rolloutStatus, window } from './fixtures';

describe('Rollout', () => {
  it('shows the phase, what it enforces, the gates, the next rung and the transitions', async () => {
    mockApi({
      '/api/rollout/status': { json: rolloutStatus() },
      '/api/rollout/preview': { json: preview() },
      '/api/overview': { json: overview() },
    });
    render(<Rollout />);
    expect(await screen.findByTestId('rollout-phase')).toHaveTextContent('canary 25%');
    expect(screen.getByTestId('tenants-enforced')).toHaveTextContent('9 of 40');
    expect(screen.getByTestId('traffic-enforced')).toHaveTextContent('24.68%');
    expect(screen.queryByTestId('seed-gates')).toBeNull();

    // the 5m window of the overview against edgectl's gates: 1500 requests, 2 errors, p99 2.5 ms,
    // (270 + 30) / 1500 denied
    const gates = screen.getByTestId('gates');
    const row = (g: string) => gates.querySelector(`tr[data-gate="${g}"]`) as HTMLElement;
    expect(within(row('requests')).getByText('PASS')).toBeInTheDocument();
    expect(row('error-rate')).toHaveTextContent('0.13%');
    expect(within(row('error-rate')).getByText('FAIL')).toBeInTheDocument();
    expect(row('added-latency-p99')).toHaveTextContent('2.50 ms');
    expect(within(row('deny-rate')).getByText('FAIL')).toBeInTheDocument();

    expect(await screen.findByTestId('preview-summary')).toHaveTextContent(
      '1 of the 12 tenants canary-50 reaches would start being denied',
    );
    const t = screen.getByTestId('preview').querySelector('tr[data-tenant="tenant-over"]') as HTMLElement;
    expect(t).toHaveTextContent('20.50');
    expect(t).toHaveTextContent('10,250.00');
    expect(t).toHaveTextContent('34.17%');
    expect(within(t).getByRole('link', { name: 'tenant-over' })).toHaveAttribute(
      'href',
      '/ui/tenants/tenant-over',
    );

    const history = screen.getByTestId('history');
    expect(history).toHaveTextContent('canary-10 → canary-25');
    expect(history).toHaveTextContent('blocked');
    expect(history).toHaveTextContent('error-rate@rls=0.500% (needs < 0.100%)');
  });

  it('says when there is no rung above and when edgectl has sent no gates', async () => {
    mockApi({
      '/api/rollout/status': { json: rolloutStatus({ gates: null, history: [] }) },
      '/api/rollout/preview': {
        status: 400,
        json: { code: 400, message: 'already at full, the top of the ladder: nothing to preview', problems: [] },
      },
      '/api/overview': { json: overview() },
    });
    render(<Rollout />);
    expect(await screen.findByTestId('seed-gates')).toBeInTheDocument();
    expect(await screen.findByText(/the top of the ladder/)).toBeInTheDocument();
    expect(screen.getByText(/No transition since this RLS started/)).toBeInTheDocument();
  });

  it('reads the gates as edgectl does: no traffic is no data, and no data never passes', () => {
    const none = gateReadings(window({ requests: 0, errors: 0, deniedTotal: 0, shadowDenied: 0 }), SEED_GATES);
    expect(none.map((r) => r.passed)).toEqual([false, false, true, false]);
    expect(none[1].reading).toBe('no data');
    expect(gateReadings(undefined, SEED_GATES).every((r) => !r.passed)).toBe(true);
  });
});
