// Package emulator is an in-memory, faithful implementation of the SignalFx
// (Splunk Observability Cloud) org-token REST API, for the provider's tests,
// the demo and benchmarks. It has no global state: start as many servers as
// you like in parallel.
//
//	s, baseURL := emulator.NewTestServer(t, emulator.Options{
//		AdminTokens: map[string]string{"admin-secret": "ADMINUSER"},
//		Clock:       emulator.NewManualClock(time.Unix(1_700_000_000, 0)),
//	})
//
// Server implements http.Handler; Start and NewTestServer serve it on
// 127.0.0.1 with a connection-counting listener, and
// cmd/signalfx-emulator runs it standalone.
//
// The facts come from /work/shared/reference/org-token-api.md. Where the
// real API is undocumented the emulator makes a choice, marked CHOICE
// below; the ones a test may want to vary are Options.
//
// # Endpoints
//
// All under /v2, JSON in and out, errors as {"code":N,"message":"..."}.
//
//   - POST /v2/token creates a token: 200 (not 201) with the full token,
//     secret included. A missing, null or empty name gives 400 "Please
//     provide a name for this token."; a name already used, by a disabled
//     token too, gives 400 "A token with the same name already exists!".
//   - GET /v2/token/{name} returns the token (200) or 404.
//   - PUT /v2/token/{name} replaces every writable field (200); see Updates.
//   - DELETE /v2/token/{name} deletes: 204 with an empty body, or 404.
//   - GET /v2/token?name=&offset=&limit= searches; see Search.
//   - POST /v2/token/{name}/rotate?graceful=S&secondsUntilExpiry=S
//     rotates; see Rotation.
//   - Any other path gives 404 JSON; a wrong method on a known path gives
//     405 JSON with an Allow header. CHOICE: authentication comes first, so
//     an unauthenticated request to an unknown path gets 401.
//
// # Token names in paths
//
// The path is taken as received on the wire (Request.RequestURI), split on
// "/" and only then is the name segment percent-decoded, exactly once. So
// a name containing "/" works when sent as %2F, and a double-encoded name
// (my%2520token) is looked up as the literal "my%20token" and 404s, which
// exposes clients that escape twice. Names may hold spaces, "/", "%", "?",
// "#" and any Unicode. An empty name segment (/v2/token/) is 404. The name
// query parameter of search is decoded once, as usual.
//
// # Token object
//
// Responses carry name, id, description, authScopes, disabled, secret,
// expiry, created, creator, lastUpdated, lastUpdatedBy, latestRotation,
// orgId, exceedingLimits, limits, notifications, permissions, roles, then
// any unknown fields stored (sorted by key). Times are int64 milliseconds
// since the epoch.
//
//   - id: 11 random alphanumerics, unique for the server's lifetime.
//   - secret: 22 random URL-safe characters.
//   - creator, lastUpdatedBy: the user id of the admin (Options.AdminTokens
//     maps token to user id). Tokens added with Seed use "seed".
//   - orgId: Options.OrgID (default "EMULATORORG").
//   - exceedingLimits: always false.
//   - latestRotation: CHOICE null until the first rotation.
//   - authScopes: sorted and deduplicated (CHOICE, so a client comparing
//     lists in order sees a diff). Only API, INGEST and RUM; RUM cannot be
//     combined with another scope (400). CHOICE: when omitted, null or [] on
//     create, Options.DefaultAuthScopes, default ["INGEST"].
//   - description: "" when unset.
//   - limits: CHOICE the key is omitted when limits were never set or last
//     set to null (Options.UnsetLimits can render null or {} instead), so
//     clients must cope with a create response without limits. Otherwise
//     the object as written (compacted), unknown keys preserved.
//   - notifications: [] when unset, otherwise the objects as written.
//   - permissions: null when unset, otherwise the object as written.
//   - roles: rendered as role objects {id, title, description,
//     capabilities, created, creator, immutable, lastUpdated,
//     lastUpdatedBy, organizationId}. Input elements need only "title"
//     (power, usage or read_only; missing means power, per the reference).
//     CHOICE: an API-scope token with no roles gets [power] (the reference
//     says an API token needs a role); Options.NoDefaultRoles turns it off.
//   - Unknown body fields are stored and echoed on every later response,
//     until a PUT leaves them out. Read-only fields in a body (id, secret,
//     expiry, created, ...) are ignored.
//
// # Validation (all 400)
//
//   - Malformed JSON, an empty body or a body that is not an object:
//     "Failed to deserialize payload: ...". A field of the wrong type:
//     Jackson-like "Failed to deserialize payload at:
//     sf.rest.shared.model.NamedToken["field"]...". Integral floats (10.0)
//     and quoted integers ("10") are accepted for integers, as Jackson's
//     default coercion does. Body validation happens
//     before the name lookup, so an invalid PUT body to an unknown name is
//     400, not 404 (CHOICE).
//   - secondsUntilExpiry (POST, PUT body; rotate query): 0..5,676,000,000
//     inclusive, else a message naming both bounds. Sets expiry = now +
//     seconds; 0 makes a token that is already expired. When absent on
//     create or rotate, expiry = now + Options.DefaultLifetime (default
//     30 days); absent on PUT leaves expiry unchanged.
//   - limits: dpmQuota, dpmNotificationThreshold (int32),
//     categoryQuota/categoryNotificationThreshold (objects keyed "1" hosts,
//     "2" containers, "3" custom, "4" hi-res; null accepted; CHOICE other
//     keys are 400) and mtsmLimit must not be negative;
//     eventSearchesPerMinute 1..30 and jobsPerMinuteLimit 1..60 unless 0;
//     {} and {"categoryQuota":null} are accepted. Quota kinds follow
//     Options.Plan: PlanAny (default) rejects a dpmQuota together with a
//     non-empty categoryQuota (CHOICE: "DPM quota and category quota cannot
//     both be set on a token"); PlanDPM, PlanHosts and PlanMTS return the
//     documented plan-mismatch messages (and, CHOICE, "DPM quota cannot be
//     set on a MTS subscription plan").
//   - notifications: each element needs a known type and its fields:
//     AmazonEventBridge, BigPanda, Jira, Office365, PagerDuty, ServiceNow,
//     XMatters need credentialId; Email email; Opsgenie credentialId,
//     responderType and responderName or responderId; Slack credentialId and
//     channel; Team and TeamEmail team; VictorOps credentialId and
//     routingKey; Webhook credentialId, or url and secret. Other types
//     (EmailTemplate and SplunkPlatform included) are 400.
//   - permissions: null, or {"acl":[...],"parent":null}. acl must be a
//     non-empty list; principalId non-empty ("A principalId is required and
//     may not be empty for acl entry"); principalType USER, TEAM or ORG
//     (else a Jackson-like message); actions non-empty ("Actions are
//     required and may not be empty for acl entry") and ["READ"] or
//     ["READ","WRITE"] in any order (CHOICE: WRITE alone is 400). Principals
//     are not checked against users or teams.
//
// # Updates (PUT)
//
// PUT is a full replacement: description, disabled (missing means false),
// limits, notifications, permissions (null removes all), roles and unknown
// fields all take the body's value or their empty value. secondsUntilExpiry
// resets expiry only when present. The name is required as on create
// (CHOICE: missing is 400 too); a different name renames the token, keeping
// id and secret (400 when the new name is taken). authScopes absent, null or
// equal as a set to the stored scopes is fine; any other value is 400
// "Authorization scopes cannot be updated" (the real behavior is
// undocumented). lastUpdated and lastUpdatedBy are set.
//
// # Search
//
// name is a case-sensitive substring filter (CHOICE); an empty name means
// no filter. Results are sorted by name in byte order (CHOICE). count is
// the number of matches capped at 10,000, and only the first 10,000 matches
// are reachable. limit defaults to 20; a non-numeric or non-positive limit
// means 20; Options.MaxPageSize (0 = no cap) caps it, so clients meet a
// server that serves fewer than asked. A non-numeric or negative offset
// means 0 (CHOICE); an offset past the end gives an empty page.
//
// # Rotation
//
// Rotate issues a new secret, sets latestRotation and lastUpdated to now and
// resets expiry from secondsUntilExpiry or the default lifetime. graceful
// (0..5,184,000, default 0, else 400) keeps the old secret authenticating for
// that many seconds; 0 revokes it at once. CHOICE: a token keeps at most one
// previous secret, so a second rotation revokes the first old secret at
// once. Rotating an expired token is 400 with "... is past its expiration
// date and cannot be rotated"; the real status is undocumented, so
// Options.ExpiredRotateStatus can change it. Disabled tokens can be rotated
// (CHOICE). A request body is read and ignored.
//
// # Authentication
//
// The X-SF-TOKEN header (any capitalization) carries the credential.
//
//   - Options.AdminTokens (admin session tokens) may do everything,
//     including /_emulator.
//   - Options.PowerTokens (power-role session tokens) may get and search
//     every token; writes are 403 "Unauthorized update.".
//   - An org-token secret authenticates while the token is neither disabled
//     nor expired (expired means now >= expiry), as does the previous secret
//     inside its grace period. With the API scope it may GET its own token
//     and search (which then sees only itself); other tokens are 403 and
//     writes are 403 "Unauthorized update.". Without the API scope every
//     request is 403. CHOICE: 403 bodies are JSON.
//   - A missing or unknown credential, or the secret of a disabled or
//     expired token, is 401 {"code":401,"message":"Invalid token
//     specified."} (CHOICE for disabled/expired).
//
// Server.Authenticates answers the same question without HTTP.
//
// # Time
//
// Options.Clock (nil: real time) drives timestamps, expiry, grace periods,
// the request log's Time and the rate limiter. NewManualClock returns a
// clock moved only by Advance and Set, so tests never sleep. Latency and
// slow faults sleep in real time.
//
// # Observability
//
// Requests returns a log of API requests (method, path as received, raw
// query, route, status sent, fault applied, duration), keeping the newest
// Options.RequestLogSize (default 10,000). Stats counts requests by route,
// method and status, plus TCP connections accepted through WrapListener.
// ResetRequests clears both, connection count included. Token, TokenJSON and TokenCount read state;
// Seed and SeedN add tokens directly, for pagination tests.
//
// # Faults, latency and rate limiting
//
// AddFault registers a rule (see Fault and the FaultKind constants): added
// latency, a status (429 with or without Retry-After, 5xx with a JSON body),
// a Jetty HTML error page, a dropped connection before the handler runs
// (nothing changes) or after it committed its change, a 200 with malformed
// JSON (change committed), or a slow response (the handler runs and commits
// first, then the response is held; a client that gives up gets nothing
// but the change stands). A rule matches a method and a route and fires for
// the next Count matches, or with a Probability drawn from an RNG seeded by
// Options.Seed. Connection drops hijack the connection (HTTP/1.x); note
// that Go's transport silently retries a GET that fails on a reused
// keep-alive connection, so a drop rule can see the same GET twice.
//
// Options.Latency delays every API request. Options.RateLimit is a token
// bucket (requests per second, burst Options.RateLimitBurst) whose excess
// gets 429 JSON, with Retry-After in whole seconds when
// Options.RateLimitRetryAfter is set. Both cost nothing when off, as do
// fault rules when none is registered.
//
// # Control endpoints
//
// All need an admin token (401/403 otherwise) and are neither logged nor
// faulted:
//
//   - GET /_emulator/faults → {"faults":[{"id","fault":{...},"fired","remaining"}]};
//     POST a fault object or an array of them ({"method","route","kind",
//     "status","retryAfter","delay":"150ms" or milliseconds,"body","count",
//     "probability"}) → {"ids":[...]}; DELETE clears all (204);
//     DELETE /_emulator/faults/{id} removes one (204 or 404).
//   - GET /_emulator/requests → {"requests":[RequestRecord...]}; DELETE
//     resets the log and counters (204).
//   - GET /_emulator/stats → {"connections","requests":[{"route","method",
//     "status","count"}],"total","tokens"}.
//   - POST /_emulator/seed {"prefix","count"} → {"tokens":N}.
//   - GET /_emulator/clock → {"now":ms}; POST {"advance":"1h"} or
//     {"set":ms} moves a ManualClock (409 otherwise).
package emulator
