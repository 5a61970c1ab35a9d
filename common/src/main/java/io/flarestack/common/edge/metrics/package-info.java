/** The server's request metrics, named and labelled as Pyroscope's (dskit's) server metrics. */
package io.flarestack.common.edge.metrics;
