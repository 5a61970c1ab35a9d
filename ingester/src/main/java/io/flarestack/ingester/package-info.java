/**
 * The ingester component: {@link io.flarestack.ingester.Ingester} (the service owning the head),
 * {@link io.flarestack.ingester.IngesterServiceImpl} (the gRPC binding of
 * {@code flarestack.ingester.v1.IngesterService}) and its configuration. The in-memory head lives
 * in {@link io.flarestack.ingester.head}, the queries over it in {@link io.flarestack.ingester.query}.
 * Design notes and the seams for the WAL and the block writer: {@code ingester/RATIONALE.md}.
 */
package io.flarestack.ingester;
