package io.flarestack.querier.settings;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.settings.v1.DeleteSettingsRequest;
import io.flarestack.api.settings.v1.DeleteSettingsResponse;
import io.flarestack.api.settings.v1.GetSettingsRequest;
import io.flarestack.api.settings.v1.GetSettingsResponse;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.SetSettingsResponse;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.api.settings.v1.SettingsServiceGrpc;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.tenant.Tenant;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code settings.v1.SettingsService}: a per-tenant key/value store. Grafana's Profiles
 * Drilldown keeps its plugin settings here and fails to start without it. Settings live in
 * memory for now (they are preferences, not profiles); persisting them in the bucket comes with
 * object storage. A write older than the stored one is ignored, as in Pyroscope. Thread-safe.
 */
public final class SettingsServiceImpl extends SettingsServiceGrpc.SettingsServiceImplBase {
  private static final int MAX_VALUE_BYTES = 1 << 20;

  private final Map<String, Map<String, Setting>> byTenant = new ConcurrentHashMap<>();
  private final Clock clock;

  public SettingsServiceImpl(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  private Map<String, Setting> tenant() {
    return byTenant.computeIfAbsent(Tenant.current(), t -> new TreeMap<>());
  }

  @Override
  public void get(GetSettingsRequest req, StreamObserver<GetSettingsResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      Map<String, Setting> settings = tenant();
      synchronized (settings) {
        return GetSettingsResponse.newBuilder().addAllSettings(settings.values()).build();
      }
    });
  }

  @Override
  public void set(SetSettingsRequest req, StreamObserver<SetSettingsResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      Setting s = req.getSetting();
      if (s.getName().isEmpty()) {
        throw FlarestackException.invalidArgument("setting name is required");
      }
      if (s.getValue().length() > MAX_VALUE_BYTES) {
        throw FlarestackException.invalidArgument("setting %s is %d bytes, the limit is %d", s.getName(),
            s.getValue().length(), MAX_VALUE_BYTES);
      }
      if (s.getModifiedAt() == 0) {
        s = s.toBuilder().setModifiedAt(clock.millis()).build();
      }
      Map<String, Setting> settings = tenant();
      synchronized (settings) {
        Setting old = settings.get(s.getName());
        if (old == null || old.getModifiedAt() <= s.getModifiedAt()) {
          settings.put(s.getName(), s);
        } else {
          s = old;
        }
      }
      return SetSettingsResponse.newBuilder().setSetting(s).build();
    });
  }

  @Override
  public void delete(DeleteSettingsRequest req, StreamObserver<DeleteSettingsResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      Map<String, Setting> settings = tenant();
      synchronized (settings) {
        settings.remove(req.getName());
      }
      return DeleteSettingsResponse.getDefaultInstance();
    });
  }
}
