import { render, screen } from '@testing-library/react';
import { Health } from '../pages/Health';
import { health, mockApi, unreachable } from './fixtures';

describe('Health', () => {
  it('shows limits, upstream, gRPC and the state store', async () => {
    mockApi({ '/api/health': { json: health({ grpc: { serving: true } }) } });
    render(<Health />);
    expect(await screen.findByTestId('health-status')).toHaveTextContent('ok');
    expect(screen.getByTestId('limits-source')).toHaveTextContent('/etc/rls/overrides.yaml');
    expect(screen.getByTestId('limits-loaded')).toHaveTextContent('loaded');
    expect(screen.getByTestId('limits-last-success')).toHaveTextContent('ago');
    expect(screen.getByTestId('upstream-reachable')).toHaveTextContent('reachable');
    expect(screen.getByTestId('grpc-serving')).toHaveTextContent('serving');
    expect(screen.getByTestId('state-store-type')).toHaveTextContent('local');
    expect(screen.getByTestId('state-store-reachable')).toHaveTextContent('reachable');
  });

  it('shows a degraded report that came with 503', async () => {
    mockApi({
      '/api/health': {
        status: 503,
        json: health({
          status: 'degraded',
          limits: { loaded: true, source: 'f', lastSuccess: null, lastAttempt: null, lastError: 'overrides.x.ingestion_rate (line 3): not a number' },
          upstream: { url: 'http://u', reachable: false, checkedAt: null, error: 'connection refused' },
        }),
      },
    });
    render(<Health />);
    expect(await screen.findByTestId('health-status')).toHaveTextContent('degraded');
    expect(screen.getByTestId('limits-error')).toHaveTextContent('line 3');
    expect(screen.getByTestId('upstream-reachable')).toHaveTextContent('unreachable');
    expect(screen.getByText('connection refused')).toBeInTheDocument();
    expect(screen.getByTestId('grpc-serving')).toHaveTextContent('no gRPC server');
  });

  it('shows how a shared state store is reached, and says when it is not verified', async () => {
    mockApi({
      '/api/health': {
        json: health({ stateStore: { type: 'redis', shared: true, reachable: true, transport: 'tls-unverified' } }),
      },
    });
    render(<Health />);
    expect(await screen.findByTestId('state-store-type')).toHaveTextContent('redis');
    expect(screen.getByTestId('state-store-transport')).toHaveTextContent('tls-unverified');
    expect(screen.getByTestId('state-store-transport')).toHaveClass('bad-text');
  });

  it('says the RLS is unreachable', async () => {
    unreachable();
    render(<Health />);
    expect(await screen.findByRole('alert')).toHaveTextContent('RLS unreachable');
  });
});
