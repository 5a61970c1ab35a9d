package io.flarestack.objstore.azure;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code storage.azure} block, with Pyroscope's keys and flags. A connection string, when
 * set, replaces the account name, key and endpoint suffix (SAS tokens, Azurite). Empty values
 * can come from {@code AZURE_STORAGE_ACCOUNT}, {@code AZURE_STORAGE_KEY} and
 * {@code AZURE_STORAGE_CONNECTION_STRING} ({@link #withEnvironment}). Managed identities are not
 * supported (they need the azure-identity library). {@link #toString()} masks the key and the
 * connection string.
 */
public record AzureConfig(String accountName, String accountKey, String containerName, String endpointSuffix,
    String connectionString) {
  public static final String DEFAULT_ENDPOINT_SUFFIX = "blob.core.windows.net";

  public static final Option<String> ACCOUNT_NAME = Option.string("storage.azure.account_name",
      "storage.azure.account-name", "", "Azure storage account name (or AZURE_STORAGE_ACCOUNT).");
  public static final Option<String> ACCOUNT_KEY = Option.string("storage.azure.account_key",
      "storage.azure.account-key", "", "Azure storage account key (or AZURE_STORAGE_KEY).").asSecret();
  public static final Option<String> CONTAINER_NAME = Option.string("storage.azure.container_name",
      "storage.azure.container-name", "", "Azure storage container name.");
  public static final Option<String> ENDPOINT_SUFFIX = Option.string("storage.azure.endpoint_suffix",
      "storage.azure.endpoint-suffix", "",
      "Azure storage endpoint suffix without scheme; the account name is put in front of it. Empty: "
          + DEFAULT_ENDPOINT_SUFFIX + ".");
  public static final Option<String> CONNECTION_STRING = Option.string("storage.azure.connection_string",
      "storage.azure.connection-string", "",
      "Azure storage connection string (or AZURE_STORAGE_CONNECTION_STRING); replaces the account name, key and"
          + " endpoint suffix. Use it for SAS tokens or the Azurite emulator.").asSecret();

  public AzureConfig {
    requireNonNull(accountName, "accountName is null");
    requireNonNull(accountKey, "accountKey is null");
    requireNonNull(containerName, "containerName is null");
    requireNonNull(endpointSuffix, "endpointSuffix is null");
    requireNonNull(connectionString, "connectionString is null");
  }

  public static List<Option<?>> options() {
    return List.of(ACCOUNT_NAME, ACCOUNT_KEY, CONTAINER_NAME, ENDPOINT_SUFFIX, CONNECTION_STRING);
  }

  public static AzureConfig from(ConfigValues v) {
    return new AzureConfig(v.get(ACCOUNT_NAME), v.get(ACCOUNT_KEY), v.get(CONTAINER_NAME), v.get(ENDPOINT_SUFFIX),
        v.get(CONNECTION_STRING));
  }

  /** A copy whose empty account name, key and connection string are taken from the environment. */
  public AzureConfig withEnvironment(Map<String, String> env) {
    requireNonNull(env, "env is null");
    return new AzureConfig(orEnv(accountName, env, "AZURE_STORAGE_ACCOUNT"), orEnv(accountKey, env, "AZURE_STORAGE_KEY"),
        containerName, endpointSuffix, orEnv(connectionString, env, "AZURE_STORAGE_CONNECTION_STRING"));
  }

  /** Every problem with these settings for an Azure backend; empty when valid. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (containerName.isBlank()) {
      problems.add(CONTAINER_NAME.describe() + ": required when storage.backend is azure");
    }
    if (connectionString.isEmpty()) {
      if (accountName.isBlank()) {
        problems.add(ACCOUNT_NAME.describe() + ": required when storage.backend is azure (or set "
            + CONNECTION_STRING.describe() + ", AZURE_STORAGE_ACCOUNT or AZURE_STORAGE_CONNECTION_STRING)");
      }
      if (accountKey.isEmpty()) {
        problems.add(ACCOUNT_KEY.describe() + ": required when storage.backend is azure (or set "
            + CONNECTION_STRING.describe() + ", AZURE_STORAGE_KEY or AZURE_STORAGE_CONNECTION_STRING);"
            + " managed identities are not supported");
      }
    }
    if (endpointSuffix.contains("://")) {
      problems.add(ENDPOINT_SUFFIX.describe() + ": \"" + endpointSuffix + "\" must not have a scheme");
    }
    return problems;
  }

  /** The blob service endpoint for an account-name configuration. */
  public String endpoint() {
    return "https://" + accountName + "." + (endpointSuffix.isEmpty() ? DEFAULT_ENDPOINT_SUFFIX : endpointSuffix);
  }

  @Override
  public String toString() {
    return "AzureConfig[accountName=" + accountName + ", accountKey=" + mask(accountKey) + ", containerName="
        + containerName + ", endpointSuffix=" + endpointSuffix + ", connectionString=" + mask(connectionString) + "]";
  }

  private static String mask(String secret) {
    return secret.isEmpty() ? "" : "********";
  }

  private static String orEnv(String value, Map<String, String> env, String name) {
    return value.isEmpty() ? env.getOrDefault(name, "") : value;
  }
}
