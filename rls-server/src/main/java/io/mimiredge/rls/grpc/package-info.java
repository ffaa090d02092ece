/**
 * The RLS's gRPC doors for Envoy, on one port ({@link io.mimiredge.rls.grpc.GrpcServer}, configured
 * by {@link io.mimiredge.rls.config.GrpcFactory}): thin adapters from Envoy's protos ({@code
 * io.envoyproxy.controlplane:api}) to the enforcement domain and back, all mapping in {@link
 * io.mimiredge.rls.grpc.EnvoyMapping}.
 *
 * <p>What Envoy's configuration must match:
 *
 * <ul>
 *   <li>ext_authz: {@code with_request_body {max_request_bytes: <= enforcement.maxRequestBytes,
 *       pack_as_bytes: true}}. Without {@code pack_as_bytes} the body travels in a proto3 string,
 *       which grpc-java refuses to parse unless it is valid UTF-8 (a snappy body almost never is):
 *       the call fails and Envoy's {@code failure_mode_allow} decides. With {@code
 *       allow_partial_message: true}, a cut body ({@code x-envoy-auth-partial-body: true}) is
 *       admitted unjudged and counted as {@code partial_body}. The gRPC message limit is {@code
 *       maxRequestBytes} plus {@code grpc.messageOverhead}; beyond it the call fails with {@code
 *       RESOURCE_EXHAUSTED}.
 *   <li>Denials come back as a {@code DeniedHttpResponse} with Mimir's status and message, {@code
 *       retry-after} and {@code x-edge-enforcement-reason}; a shadow denial is OK with {@code
 *       x-edge-enforcement-reason: shadow_<reason>} added to the client's response, never to the
 *       request Mimir gets.
 *   <li>ratelimit: {@code domain} = {@code grpc.ratelimit.domain}; every descriptor carries the
 *       tenant in the entry {@code grpc.ratelimit.descriptorKey} (e.g. a {@code request_headers}
 *       action on {@code x-scope-orgid}). Another domain, or a descriptor without the entry, is
 *       {@code INVALID_ARGUMENT}: Envoy counts it as {@code ratelimit.error} and lets the request
 *       through unless {@code failure_mode_deny} is set. The RLS adds the {@code x-ratelimit-*}
 *       headers itself, so leave Envoy's {@code enable_x_ratelimit_headers} off. With {@code
 *       tenantFrom: none} every descriptor is the no-auth tenant's, entry or not; but Envoy sends
 *       no descriptor for a request without the header its action reads, so a single-tenant Mimir's
 *       writes need a {@code generic_key} action to reach this door (ext_authz needs nothing).
 *   <li>health: {@code grpc_health_check} with service name {@code ""} (or either door's full
 *       service name): SERVING only once the limits are loaded, NOT_SERVING from the start of
 *       shutdown.
 * </ul>
 */
package io.mimiredge.rls.grpc;
