package io.flarestack.common;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.IngesterServiceGrpc;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PusherServiceGrpc;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.settings.v1.SettingsServiceGrpc;
import io.flarestack.api.storegateway.v1.StoreGatewayServiceGrpc;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.version.v1.VersionGrpc;
import io.flarestack.common.edge.connect.ConnectCodecs;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.TreeBytes;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.fuzz.FuzzSeeds;
import io.flarestack.common.testing.fuzz.Fuzzer;
import io.flarestack.common.testing.fuzz.Mutator.Form;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The decoders of common that read client bytes, fuzzed from real inputs ({@link Fuzzer}): the
 * Connect / gRPC-Web request codec for every request type of every service the server registers
 * (binary and JSON), label selectors, and the tree bytes reader. Every outcome must be a value or
 * a 4xx {@link io.flarestack.common.errors.FlarestackException}. The build runs a fixed, seeded
 * budget; {@code docs/fuzzing.md} has the long run.
 */
class DecoderFuzzTest {
  private static final List<ServiceDescriptor> SERVICES = List.of(QuerierServiceGrpc.getServiceDescriptor(),
      PusherServiceGrpc.getServiceDescriptor(), IngesterServiceGrpc.getServiceDescriptor(),
      StoreGatewayServiceGrpc.getServiceDescriptor(), SettingsServiceGrpc.getServiceDescriptor(),
      VersionGrpc.getServiceDescriptor());
  private static final List<String> SELECTORS = List.of("{}", "{service_name=\"checkout\"}",
      "{service_name=\"checkout\", env=~\"prod|dev\"}", "process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name=\"x\"}",
      "{service_name!=\"\", pod!~\"db-.*\", \"label.with.dots\"=\"v\"}", "{thread_name=`pool-2-thread-1`}",
      "{a='single \\'quoted\\'', b=\"esc\\n\\t\\x41\\u00e9\\U0001F600\"}", "memory:alloc_space:bytes:space:bytes",
      "{service_name=~\"(api|web)-[0-9]+\", region=~\".*\"}");
  private static final List<Labels> LABEL_SETS = List.of(Labels.of("service_name", "checkout", "env", "prod"),
      Labels.of("service_name", "api-12", "pod", "db-0", "region", ""), Labels.of());

  private final Fuzzer fuzzer = Fuzzer.fromSystemProperties();

  @TestFactory
  List<DynamicTest> decoders() throws Exception {
    List<Fuzzer.Spec> specs = new ArrayList<>();
    specs.addAll(connectTargets());
    specs.add(new Fuzzer.Spec("selector", Form.TEXT, bytes(SELECTORS), 600, (input, call) -> {
      Selector s = Selector.parse(new String(input, StandardCharsets.UTF_8));
      for (Labels l : LABEL_SETS) {
        s.matches(l);
      }
      // The printed form is what query responses and the frontend's caches use: it must read back.
      Selector back = Selector.parse(s.toString());
      if (!back.equals(s)) {
        throw Fuzzer.finding("selector " + s + " reads back as " + back);
      }
    }));
    specs.add(new Fuzzer.Spec("tree-bytes", Form.BINARY, treeSeeds(), 600, (input, call) -> {
      CallTree t = TreeBytes.unmarshal(input);
      TreeBytes.unmarshal(TreeBytes.marshal(t, 0));
    }));
    return fuzzer.tests(specs);
  }

  // Every request type once, as protobuf and as JSON, decoded as MessageCodec does.
  private static List<Fuzzer.Spec> connectTargets() throws InvalidProtocolBufferException {
    Map<String, MethodDescriptor.Marshaller<?>> types = new LinkedHashMap<>();
    for (ServiceDescriptor s : SERVICES) {
      for (MethodDescriptor<?, ?> m : s.getMethods()) {
        if (m.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
            && p.getMessagePrototype() instanceof Message prototype) {
          types.putIfAbsent(prototype.getDescriptorForType().getFullName(), m.getRequestMarshaller());
        }
      }
    }
    List<Fuzzer.Spec> out = new ArrayList<>();
    List<byte[]> pprofs = FuzzSeeds.pprofs(8 << 10);
    for (Map.Entry<String, MethodDescriptor.Marshaller<?>> e : types.entrySet()) {
      Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) e.getValue()).getMessagePrototype();
      List<Message> seeds = seeds(prototype, pprofs);
      List<byte[]> proto = new ArrayList<>();
      List<byte[]> json = new ArrayList<>();
      for (Message m : seeds) {
        proto.add(m.toByteArray());
        json.add(JsonFormat.printer().print(m).getBytes(StandardCharsets.UTF_8));
      }
      MethodDescriptor.Marshaller<?> marshaller = e.getValue();
      RequestGuards guards = new RequestGuards();
      String name = e.getKey().replace("flarestack.", "");
      out.add(new Fuzzer.Spec("connect-proto-" + name, Form.PROTO, proto, 60,
          (input, call) -> ConnectCodecs.parse(marshaller, input, false, guards, call.memory())));
      out.add(new Fuzzer.Spec("connect-json-" + name, Form.JSON, json, 40,
          (input, call) -> ConnectCodecs.parse(marshaller, input, true, guards, call.memory())));
    }
    return out;
  }

  // A filled message of the type, and for the push requests ones built from real profiles.
  private static List<Message> seeds(Message prototype, List<byte[]> pprofs) throws InvalidProtocolBufferException {
    List<Message> out = new ArrayList<>();
    out.add(prototype.getParserForType().parseFrom(FuzzSeeds.filled(prototype.getDescriptorForType(), 4).toByteArray()));
    String type = prototype.getDescriptorForType().getFullName();
    if (type.equals(PushRequest.getDescriptor().getFullName())) {
      RawProfileSeries.Builder s = RawProfileSeries.newBuilder()
          .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
          .addLabels(LabelPair.newBuilder().setName("service_name").setValue("checkout"));
      for (byte[] p : pprofs.subList(0, Math.min(3, pprofs.size()))) {
        s.addSamples(RawSample.newBuilder().setRawProfile(com.google.protobuf.ByteString.copyFrom(p)).setID("id"));
      }
      out.add(PushRequest.newBuilder().addSeries(s).build());
    }
    if (type.equals(io.flarestack.api.ingester.v1.PushRequest.getDescriptor().getFullName())) {
      io.flarestack.api.ingester.v1.PushRequest.Builder b = io.flarestack.api.ingester.v1.PushRequest.newBuilder();
      for (byte[] p : pprofs.subList(0, Math.min(2, pprofs.size()))) {
        b.addSeries(ProfileSeries.newBuilder()
            .addLabels(LabelPair.newBuilder().setName("service_name").setValue("checkout"))
            .addProfiles(NormalizedProfile.newBuilder().setId("id")
                .setProfile(Profile.parseFrom(SharedTestData.gunzipIfNeeded(p)))));
      }
      out.add(b.build());
    }
    return out;
  }

  private static List<byte[]> bytes(List<String> texts) {
    return texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  // Trees of the folded test data, as the querier writes them.
  private static List<byte[]> treeSeeds() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] folded : FuzzSeeds.folded(6 << 10)) {
      CallTree t = new CallTree();
      FuzzSeeds.stacks(folded).forEach((stack, n) -> t.addStack(Arrays.asList(stack.split(";")), n));
      out.add(TreeBytes.marshal(t, 0));
    }
    return out;
  }
}
