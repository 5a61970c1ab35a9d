package io.flarestack.objstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.config.ConfigException;
import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.ConfigYaml;
import io.flarestack.objstore.azure.AzureConfig;
import io.flarestack.objstore.gcs.GcsConfig;
import io.flarestack.objstore.s3.S3Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketConfigTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  private static ConfigValues load(String... flags) throws ConfigException {
    return ConfigLoader.load(BucketConfig.options(), List.of(flags), Map.of());
  }

  private static BucketConfig config(String... flags) throws ConfigException {
    return BucketConfig.from(load(flags), Map.of());
  }

  @Test
  void defaultsToTheFilesystemUnderData() throws ConfigException {
    BucketConfig c = config();

    assertThat(c.backend()).isEqualTo("filesystem");
    assertThat(c.filesystemDir()).isEqualTo("./data/shared");
    assertThat(c.prefix()).isEmpty();
    assertThat(c.validate()).isEmpty();
  }

  @Test
  void readsPyroscopeStyleYaml(@TempDir Path dir) throws IOException, ConfigException {
    Path file = Files.writeString(dir.resolve("config.yaml"), """
        storage:
          backend: s3
          prefix: cluster-a
          s3:
            endpoint: minio:9000
            region: eu-west-1
            bucket_name: profiles
            access_key_id: AKID
            secret_access_key: %s
            insecure: true
            force_path_style: true
        """.formatted(SECRET));

    BucketConfig c = config("-config.file=" + file);

    assertThat(c.backend()).isEqualTo("s3");
    assertThat(c.prefix()).isEqualTo("cluster-a");
    assertThat(c.s3()).isEqualTo(new S3Config("minio:9000", "eu-west-1", "profiles", "AKID", SECRET, true, true));
    assertThat(c.s3().endpointUri().toString()).isEqualTo("http://minio:9000");
    assertThat(c.validate()).isEmpty();
  }

  @Test
  void readsPyroscopeFlags() throws ConfigException {
    BucketConfig c = config("-storage.backend=azure", "-storage.azure.account-name=acct",
        "-storage.azure.account-key=" + SECRET, "-storage.azure.container-name=blocks",
        "-storage.azure.endpoint-suffix=blob.core.chinacloudapi.cn");

    assertThat(c.azure()).isEqualTo(new AzureConfig("acct", SECRET, "blocks", "blob.core.chinacloudapi.cn", ""));
    assertThat(c.azure().endpoint()).isEqualTo("https://acct.blob.core.chinacloudapi.cn");
    assertThat(c.validate()).isEmpty();

    BucketConfig gcs = config("-storage.backend=gcs", "-storage.gcs.bucket-name=profiles");
    assertThat(gcs.gcs()).isEqualTo(new GcsConfig("profiles", ""));
    assertThat(gcs.validate()).isEmpty();
  }

  @Test
  void secretsAreMaskedInConfigOutputAndToString() throws ConfigException {
    ConfigValues values = load("-storage.backend=s3", "-storage.s3.bucket-name=b", "-storage.s3.access-key-id=AKID",
        "-storage.s3.secret-access-key=" + SECRET, "-storage.gcs.service-account={\"private_key\":\"" + SECRET + "\"}",
        "-storage.azure.account-key=" + SECRET, "-storage.azure.connection-string=AccountKey=" + SECRET);

    String yaml = ConfigYaml.render(BucketConfig.options(), values);
    String text = BucketConfig.from(values, Map.of()).toString();

    String mask = "'" + ConfigYaml.MASK + "'";
    assertThat(yaml).doesNotContain(SECRET).contains("secret_access_key: " + mask)
        .contains("service_account: " + mask).contains("account_key: " + mask)
        .contains("connection_string: " + mask).contains("access_key_id: AKID");
    assertThat(text).doesNotContain(SECRET).contains("secretAccessKey=********").contains("accountKey=********");
  }

  @Test
  void unknownBackendIsAProblem() throws ConfigException {
    assertThat(config("-storage.backend=swift").validate())
        .containsExactly("-storage.backend (storage.backend): unsupported backend \"swift\"; use one of filesystem, s3,"
            + " gcs, azure");
  }

  @Test
  void eachBackendNeedsItsBucketName() throws ConfigException {
    assertThat(config("-storage.backend=s3").validate())
        .containsExactly("-storage.s3.bucket-name (storage.s3.bucket_name): required when storage.backend is s3");
    assertThat(config("-storage.backend=gcs").validate())
        .containsExactly("-storage.gcs.bucket-name (storage.gcs.bucket_name): required when storage.backend is gcs");
    assertThat(config("-storage.backend=azure", "-storage.azure.connection-string=UseDevelopmentStorage=true")
        .validate()).containsExactly(
            "-storage.azure.container-name (storage.azure.container_name): required when storage.backend is azure");
  }

  @Test
  void onlyTheChosenBackendIsValidated() throws ConfigException {
    // S3 settings without a bucket name do not matter while the backend is the filesystem.
    assertThat(config("-storage.s3.access-key-id=AKID").validate()).isEmpty();
  }

  @Test
  void reportsEveryProblemAtOnce() throws ConfigException {
    List<String> problems = config("-storage.backend=s3", "-storage.s3.access-key-id=AKID",
        "-storage.s3.endpoint=ftp://host", "-storage.prefix=../up").validate();

    assertThat(problems).hasSize(4);
    assertThat(problems.get(0)).startsWith("-storage.prefix (storage.prefix): \"../up\" must not contain a '..'");
    assertThat(problems.get(1)).startsWith("-storage.s3.bucket-name");
    assertThat(problems.get(2)).startsWith("-storage.s3.access-key-id (storage.s3.access_key_id) and"
        + " -storage.s3.secret-access-key (storage.s3.secret_access_key): set both or neither");
    assertThat(problems.get(3)).isEqualTo("-storage.s3.endpoint (storage.s3.endpoint): \"ftp://host\" is not a valid"
        + " endpoint: the scheme must be http or https");
  }

  @Test
  void prefixRules() throws ConfigException {
    for (String ok : List.of("cluster-a", "env/prod", "env/prod/", "a.b_c-9")) {
      assertThat(config("-storage.prefix=" + ok).validate()).as(ok).isEmpty();
    }
    assertThat(config("-storage.prefix=/abs").validate()).containsExactly(
        "-storage.prefix (storage.prefix): \"/abs\" must not start with '/'");
    assertThat(config("-storage.prefix=a//b").validate()).containsExactly(
        "-storage.prefix (storage.prefix): \"a//b\" must not contain an empty path segment ('//')");
    assertThat(config("-storage.prefix=a b").validate()).containsExactly(
        "-storage.prefix (storage.prefix): \"a b\" may only contain letters, digits, '-', '_', '.' and '/'");
  }

  @Test
  void deprecatedStoragePrefixStillWorksButNotTogetherWithPrefix() throws ConfigException {
    assertThat(config("-storage.storage-prefix=old").prefix()).isEqualTo("old");
    assertThat(BucketConfig.validate(load("-storage.storage-prefix=old"), Map.of())).isEmpty();

    assertThat(BucketConfig.validate(load("-storage.storage-prefix=old", "-storage.prefix=new"), Map.of()))
        .containsExactly("-storage.prefix (storage.prefix) and -storage.storage-prefix (storage.storage_prefix): both"
            + " are set; use only -storage.prefix (storage.prefix)");
  }

  @Test
  void azureCredentialsComeFromTheEnvironmentWhenNotConfigured() throws ConfigException {
    ConfigValues values = load("-storage.backend=azure", "-storage.azure.container-name=blocks");
    assertThat(BucketConfig.from(values, Map.of()).validate()).hasSize(2)
        .allSatisfy(p -> assertThat(p).contains("AZURE_STORAGE_"));

    BucketConfig fromEnv = BucketConfig.from(values, Map.of("AZURE_STORAGE_ACCOUNT", "acct", "AZURE_STORAGE_KEY", SECRET));

    assertThat(fromEnv.azure().accountName()).isEqualTo("acct");
    assertThat(fromEnv.azure().accountKey()).isEqualTo(SECRET);
    assertThat(fromEnv.validate()).isEmpty();
    BucketConfig configured = BucketConfig.from(load("-storage.backend=azure", "-storage.azure.container-name=blocks",
        "-storage.azure.account-name=mine", "-storage.azure.account-key=k"), Map.of("AZURE_STORAGE_ACCOUNT", "acct"));
    assertThat(configured.azure().accountName()).isEqualTo("mine");
  }

  @Test
  void gcsServiceAccountMustBeJsonAndIsNeverEchoed() throws ConfigException {
    List<String> problems = config("-storage.backend=gcs", "-storage.gcs.bucket-name=b",
        "-storage.gcs.service-account=/etc/secret-key.json").validate();

    assertThat(problems).singleElement().asString().contains("not a file path").doesNotContain("/etc/secret-key.json");
  }

  @Test
  void everyOptionHasAPyroscopeFlagAndYamlPath() {
    assertThat(BucketConfig.options()).allSatisfy(o -> {
      assertThat(o.flag()).startsWith("storage.");
      assertThat(o.yamlPath()).startsWith("storage.");
    });
    assertThat(BucketConfig.options()).filteredOn(o -> o.secret()).extracting(o -> o.yamlPath())
        .containsExactlyInAnyOrder("storage.s3.secret_access_key", "storage.gcs.service_account",
            "storage.azure.account_key", "storage.azure.connection_string");
  }
}
