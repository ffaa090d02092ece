import { ApiError, api, call } from '../api';
import { health, mockApi, unreachable } from './fixtures';

describe('api', () => {
  it('gives the API message and problems of a refused change', async () => {
    mockApi({
      'PUT /api/tenants/t1/limits': {
        status: 400,
        json: { code: 400, message: 'invalid limits, nothing was changed', problems: ['ingestion_rate: expected a number'] },
      },
    });
    const e = await api.setLimits('t1', { ingestion_rate: 'lots' }, 'tok').catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.message).toBe('invalid limits, nothing was changed');
    expect(e.problems).toEqual(['ingestion_rate: expected a number']);
  });

  it('sends the token as a bearer and the body as JSON', async () => {
    const calls = mockApi({ 'PUT /api/tenants/a%2Fb/mode': { json: {} } });
    await api.setMode('a/b', 'shadow', 'secret-token');
    expect(calls[0].headers.Authorization).toBe('Bearer secret-token');
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(calls[0].body).toEqual({ mode: 'shadow' });
  });

  it('sends no Authorization header without a token', async () => {
    const calls = mockApi({ '/api/overview': { json: {} } });
    await api.overview();
    expect(calls[0].headers.Authorization).toBeUndefined();
  });

  it('says the RLS is unreachable when fetch fails', async () => {
    unreachable();
    const e = (await api.overview().catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.unreachable).toBe(true);
    expect(e.message).toMatch(/unreachable/);
  });

  it('names the status when an error has no JSON body', async () => {
    mockApi({ '/api/overview': { status: 502 } });
    const e = (await call('/api/overview').catch((x) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.message).toBe('/api/overview answered HTTP 502');
  });

  it('reads the health report that comes with 503', async () => {
    mockApi({ '/api/health': { status: 503, json: health({ status: 'degraded' }) } });
    expect((await api.health()).status).toBe('degraded');
  });

  it('passes the tenant list parameters through', async () => {
    const calls = mockApi({ '/api/tenants': { json: { total: 0, offset: 0, limit: 5, sort: 'id', tenants: [] } } });
    await api.tenants({ limit: 5, offset: 10, sort: '-denials', q: 'team' });
    expect(calls[0].url).toBe('/api/tenants?limit=5&offset=10&sort=-denials&q=team');
  });
});
