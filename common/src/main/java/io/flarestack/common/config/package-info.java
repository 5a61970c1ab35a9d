/**
 * Static configuration: {@link io.flarestack.common.config.Option} declarations next to each
 * component's config record, loaded by {@link io.flarestack.common.config.ConfigLoader} with
 * Pyroscope's precedence (defaults, then {@code -config.file} YAML, then flags), rendered back
 * for {@code /config} by {@link io.flarestack.common.config.ConfigYaml} and for {@code -help} by
 * {@link io.flarestack.common.config.ConfigHelp}. Range checks live in the component records'
 * {@code validate()}; the composition root merges their problems with the loader's.
 */
package io.flarestack.common.config;
