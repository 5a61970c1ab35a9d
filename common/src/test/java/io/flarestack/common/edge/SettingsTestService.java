package io.flarestack.common.edge;

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
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A per-tenant settings store on the public settings.v1 API; Delete stays unimplemented. */
final class SettingsTestService extends SettingsServiceGrpc.SettingsServiceImplBase {
  private final ConcurrentMap<String, Map<String, Setting>> byTenant = new ConcurrentHashMap<>();

  @Override
  public void get(GetSettingsRequest request, StreamObserver<GetSettingsResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      GetSettingsResponse.Builder out = GetSettingsResponse.newBuilder();
      byTenant.getOrDefault(Tenant.current(), Map.of()).values().stream()
          .sorted(Comparator.comparing(Setting::getName))
          .forEach(out::addSettings);
      return out.build();
    });
  }

  @Override
  public void set(SetSettingsRequest request, StreamObserver<SetSettingsResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      Setting setting = request.getSetting();
      if (setting.getName().isEmpty()) {
        throw FlarestackException.invalidArgument("setting name is empty");
      }
      byTenant.computeIfAbsent(Tenant.current(), t -> new ConcurrentHashMap<>()).put(setting.getName(), setting);
      return SetSettingsResponse.newBuilder().setSetting(setting).build();
    });
  }
}
