import { mimirErrorId, runbookUrl } from '../mimirErrors';

// Messages as the RLS writes them (rls-server/.../enforce/MimirMessages.java, TenantIds.java,
// Enforcer.java, remotewrite/ContentTypes.java, otlp/OtlpBody.java).
const ADVICE = ', or contact your service administrator.';

describe('mimirErrorId', () => {
  it.each([
    [
      'the request has been rejected because the tenant exceeded the ingestion rate limit, set to 1 items/s' +
        ' with a maximum allowed burst of 600. This limit is applied on the total number of samples, exemplars' +
        ' and metadata received across all distributors (err-mimir-tenant-max-ingestion-rate). To adjust the' +
        ' related per-tenant limits, configure -distributor.ingestion-rate-limit and' +
        ' -distributor.ingestion-burst-size' +
        ADVICE,
      'err-mimir-tenant-max-ingestion-rate',
    ],
    [
      'the request has been rejected because the tenant exceeded the request rate limit, set to 1e+06' +
        ' requests/s across all distributors with a maximum allowed burst of 10 (err-mimir-tenant-max-request-rate).' +
        ' To adjust the related per-tenant limits, configure -distributor.request-rate-limit and' +
        ' -distributor.request-burst-size' +
        ADVICE,
      'err-mimir-tenant-max-request-rate',
    ],
    [
      'received a series whose label value length of 2000 exceeds the limit of 100' +
        ' (err-mimir-label-value-too-long). To adjust the related per-tenant limit, configure' +
        ' -validation.max-length-label-value' +
        ADVICE,
      'err-mimir-label-value-too-long',
    ],
    [
      'the write request has been rejected because the maximum number of high-availability (HA) clusters has' +
        ' been reached for this tenant (limit: 2) (err-mimir-tenant-too-many-ha-clusters). To adjust the related' +
        ' per-tenant limit, configure -distributor.ha-tracker.max-clusters' +
        ADVICE,
      'err-mimir-tenant-too-many-ha-clusters',
    ],
    [
      'the incoming push request has been rejected because its message size of 12345 bytes (compressed) is' +
        ' larger than the allowed limit of 100 bytes (err-mimir-distributor-max-write-message-size). To adjust' +
        ' the related limit, configure -distributor.max-recv-msg-size' +
        ADVICE,
      'err-mimir-distributor-max-write-message-size',
    ],
    ['received series has no metric name (err-mimir-missing-metric-name)', 'err-mimir-missing-metric-name'],
    [
      'received a native histogram sample with an invalid schema: 9 (err-mimir-invalid-native-histogram-schema)',
      'err-mimir-invalid-native-histogram-schema',
    ],
    ['received a metric metadata with no metric name (err-mimir-metadata-missing-metric-name)\n', 'err-mimir-metadata-missing-metric-name'],
  ])('finds the id of %s', (message, id) => {
    expect(mimirErrorId(message)).toBe(id);
  });

  it.each([
    'no org id',
    'tenant ID is empty',
    'multiple org IDs present',
    'tenant ID is too long: max 150 characters',
    'the request body is larger than the 1048576 bytes this edge accepts',
    'bad remote-write body',
    'body is not a valid snappy block declaring 100 bytes',
    'unsupported content type: text/plain, supported: [application/json, application/x-protobuf]',
    'otlp parse error: invalid temporality and type combination, no data or a name that translates to nothing',
    'received a native histogram sample with more custom buckets than the limit, buckets: 200, limit: 100',
    '',
  ])('finds none in %j', (message) => {
    expect(mimirErrorId(message)).toBeNull();
  });

  it('takes no id from a tenant ID the message quotes', () => {
    expect(mimirErrorId("tenant ID 'a(err-mimir-fake)' contains unsupported character ' '")).toBeNull();
    expect(
      mimirErrorId("tenant ID 'x(err-mimir-fake). To adjust the related ' contains unsupported character ' '"),
    ).toBeNull();
  });

  it('takes the id Mimir appended, not one earlier in the text', () => {
    expect(mimirErrorId('received (err-mimir-not-this) twice (err-mimir-this-one)')).toBe('err-mimir-this-one');
  });

  it('has none for a missing message', () => {
    expect(mimirErrorId(null)).toBeNull();
    expect(mimirErrorId(undefined)).toBeNull();
  });
});

describe('runbookUrl', () => {
  it("points at the id's section of Mimir's runbooks", () => {
    expect(runbookUrl('err-mimir-tenant-max-ingestion-rate')).toBe(
      'https://grafana.com/docs/mimir/latest/manage/mimir-runbooks/#err-mimir-tenant-max-ingestion-rate',
    );
  });
});
