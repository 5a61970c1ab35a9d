package io.flarestack.querier.api;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.PartialSeries;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.querier.v1.AnalyzeQueryRequest;
import io.flarestack.api.querier.v1.AnalyzeQueryResponse;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.DiffResponse;
import io.flarestack.api.querier.v1.PprofProfile;
import io.flarestack.api.querier.v1.ProfileFormat;
import io.flarestack.api.querier.v1.ProfileTypesRequest;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectHeatmapRequest;
import io.flarestack.api.querier.v1.SelectHeatmapResponse;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeSpanProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeSpanProfileResponse;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.querier.v1.SeriesRequest;
import io.flarestack.api.querier.v1.SeriesResponse;
import io.flarestack.api.types.v1.ExemplarType;
import io.flarestack.api.types.v1.GetProfileStatsRequest;
import io.flarestack.api.types.v1.GetProfileStatsResponse;
import io.flarestack.api.types.v1.LabelNamesRequest;
import io.flarestack.api.types.v1.LabelNamesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.LabelValuesRequest;
import io.flarestack.api.types.v1.LabelValuesResponse;
import io.flarestack.api.types.v1.Labels;
import io.flarestack.api.types.v1.StackTraceSelector;
import io.flarestack.api.types.v1.TimeSeriesAggregationType;
import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.edge.grpc.GrpcCalls;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.limits.TenantLimits;
import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.ProfileType;
import io.flarestack.common.model.SampleValues;
import io.flarestack.common.model.Selector;
import io.flarestack.common.model.flamegraph.FlameGraphs;
import io.flarestack.common.model.series.SeriesMerger;
import io.flarestack.common.model.series.Steps;
import io.flarestack.common.model.tree.CallTree;
import io.flarestack.common.model.tree.TreeBytes;
import io.flarestack.common.tenant.Tenant;
import io.flarestack.querier.Querier;
import io.flarestack.querier.QueryRange;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;

/**
 * The public {@code querier.v1.QuerierService}: validates requests the way Pyroscope's frontend
 * does (time ranges, node budgets, selectors), asks the {@link Querier}, and shapes the answer
 * (flame graph, tree bytes, pprof, series). Thread-safe.
 */
public final class QuerierServiceImpl extends QuerierServiceGrpc.QuerierServiceImplBase {
  private final Querier querier;
  private final TenantLimits limits;
  private final Clock clock;

  public QuerierServiceImpl(Querier querier, TenantLimits limits, Clock clock) {
    this.querier = requireNonNull(querier, "querier is null");
    this.limits = requireNonNull(limits, "limits is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  private Limits limits() {
    return limits.forTenant(Tenant.current());
  }

  @Override
  public void profileTypes(ProfileTypesRequest req, StreamObserver<ProfileTypesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      QueryRange r = QueryRange.forMetadata(req.getStart(), req.getEnd(), limits(), clock);
      if (r.empty()) {
        return ProfileTypesResponse.getDefaultInstance();
      }
      return ProfileTypesResponse.newBuilder().addAllProfileTypes(querier.profileTypes(r.start(), r.end())).build();
    });
  }

  @Override
  public void labelNames(LabelNamesRequest req, StreamObserver<LabelNamesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      Selector.parseAll(req.getMatchersList());
      QueryRange r = QueryRange.forMetadata(req.getStart(), req.getEnd(), limits(), clock);
      if (r.empty()) {
        return LabelNamesResponse.getDefaultInstance();
      }
      boolean utf8 = ClientCapabilities.UTF8_LABEL_NAMES.get();
      LabelNamesResponse.Builder b = LabelNamesResponse.newBuilder();
      for (String n : querier.labelNames(req.getMatchersList(), r.start(), r.end())) {
        if (utf8 || LabelNames.isLegacyName(n)) {
          b.addNames(n);
        }
      }
      return b.build();
    });
  }

  @Override
  public void labelValues(LabelValuesRequest req, StreamObserver<LabelValuesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      if (req.getName().isEmpty()) {
        throw FlarestackException.invalidArgument("name is required");
      }
      Selector.parseAll(req.getMatchersList());
      QueryRange r = QueryRange.forMetadata(req.getStart(), req.getEnd(), limits(), clock);
      if (r.empty()) {
        return LabelValuesResponse.getDefaultInstance();
      }
      return LabelValuesResponse.newBuilder()
          .addAllNames(querier.labelValues(req.getName(), req.getMatchersList(), r.start(), r.end())).build();
    });
  }

  @Override
  public void series(SeriesRequest req, StreamObserver<SeriesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      Selector.parseAll(req.getMatchersList());
      QueryRange r = QueryRange.forMetadata(req.getStart(), req.getEnd(), limits(), clock);
      if (r.empty()) {
        return SeriesResponse.getDefaultInstance();
      }
      boolean utf8 = ClientCapabilities.UTF8_LABEL_NAMES.get();
      SeriesRequest ranged = req.toBuilder().setStart(r.start()).setEnd(r.end()).build();
      SeriesResponse.Builder b = SeriesResponse.newBuilder();
      for (Labels set : querier.series(ranged)) {
        if (utf8) {
          b.addLabelsSet(set);
          continue;
        }
        Labels.Builder legacy = Labels.newBuilder();
        for (LabelPair p : set.getLabelsList()) {
          if (LabelNames.isLegacyName(p.getName())) {
            legacy.addLabels(p);
          }
        }
        b.addLabelsSet(legacy);
      }
      return b.build();
    });
  }

  @Override
  public void selectMergeStacktraces(SelectMergeStacktracesRequest req, StreamObserver<SelectMergeStacktracesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      RequestChecks.knownEnums(req);
      RequestChecks.noIdSelectors(req.getProfileIdSelectorCount(), req.getTraceIdSelectorCount());
      ProfileFormat format = req.getFormat();
      RequestChecks.format(format, req.getFormatValue());
      Limits limits = limits();
      QueryRange r = QueryRange.forSelect(req.getStart(), req.getEnd(), limits, clock);
      long maxNodes = maxNodes(req.hasMaxNodes() ? req.getMaxNodes() : 0, limits);
      ProfileType type = ProfileType.parse(req.getProfileTypeID());
      Selector.parse(req.getLabelSelector());
      boolean spans = req.getSpanSelectorCount() > 0;
      if (spans) {
        SpanSelectors.validate(req.getSpanSelectorList());
        if (req.hasStackTraceSelector()) {
          throw FlarestackException.unimplemented("span_selector cannot be combined with stack_trace_selector");
        }
      }
      SelectProfilesRequest select = select(req.getLabelSelector(), type, r,
          req.hasStackTraceSelector() ? req.getStackTraceSelector() : null, req.getSpanSelectorList());
      SelectMergeStacktracesResponse.Builder out = SelectMergeStacktracesResponse.newBuilder();
      if (format == ProfileFormat.PROFILE_FORMAT_PPROF) {
        Profile p;
        if (r.empty()) {
          p = Profile.getDefaultInstance();
        } else if (spans) {
          p = TreePprof.toPprof(querier.mergeTree(select, maxNodes), type, r.start(), r.end());
        } else {
          p = withTime(querier.mergePprof(select, 0), r);
        }
        return out.setPprof(PprofProfile.newBuilder().setProfile(p)).build();
      }
      CallTree tree = r.empty() ? new CallTree() : querier.mergeTree(select, maxNodes);
      if (format == ProfileFormat.PROFILE_FORMAT_TREE) {
        return out.setTree(com.google.protobuf.ByteString.copyFrom(TreeBytes.marshal(tree, maxNodes))).build();
      }
      return out.setFlamegraph(FlameGraphs.flameGraph(tree, maxNodes, Cancellation.current())).build();
    });
  }

  @Override
  public void selectMergeSpanProfile(SelectMergeSpanProfileRequest req, StreamObserver<SelectMergeSpanProfileResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      RequestChecks.knownEnums(req);
      Limits limits = limits();
      QueryRange r = QueryRange.forSelect(req.getStart(), req.getEnd(), limits, clock);
      long maxNodes = maxNodes(req.hasMaxNodes() ? req.getMaxNodes() : 0, limits);
      ProfileType type = ProfileType.parse(req.getProfileTypeID());
      Selector.parse(req.getLabelSelector());
      SpanSelectors.validate(req.getSpanSelectorList());
      CallTree tree = r.empty()
          ? new CallTree()
          : querier.mergeTree(select(req.getLabelSelector(), type, r, null, req.getSpanSelectorList()), maxNodes);
      SelectMergeSpanProfileResponse.Builder out = SelectMergeSpanProfileResponse.newBuilder();
      if (req.getFormat() == ProfileFormat.PROFILE_FORMAT_TREE) {
        return out.setTree(com.google.protobuf.ByteString.copyFrom(TreeBytes.marshal(tree, maxNodes))).build();
      }
      return out.setFlamegraph(FlameGraphs.flameGraph(tree, maxNodes, Cancellation.current())).build();
    });
  }

  @Override
  public void selectMergeProfile(SelectMergeProfileRequest req, StreamObserver<Profile> obs) {
    GrpcCalls.unary(obs, () -> {
      RequestChecks.knownEnums(req);
      RequestChecks.noIdSelectors(req.getProfileIdSelectorCount(), req.getTraceIdSelectorCount());
      Limits limits = limits();
      QueryRange r = QueryRange.forSelect(req.getStart(), req.getEnd(), limits, clock);
      // Validated as everywhere else, then ignored: Pyroscope applies it here only when a tenant opts in.
      maxNodes(req.hasMaxNodes() ? req.getMaxNodes() : 0, limits);
      ProfileType type = ProfileType.parse(req.getProfileTypeID());
      Selector.parse(req.getLabelSelector());
      if (r.empty()) {
        return Profile.getDefaultInstance();
      }
      SelectProfilesRequest select = select(req.getLabelSelector(), type, r,
          req.hasStackTraceSelector() ? req.getStackTraceSelector() : null, List.of());
      return withTime(querier.mergePprof(select, 0), r);
    });
  }

  @Override
  public void selectSeries(SelectSeriesRequest req, StreamObserver<SelectSeriesResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      RequestChecks.knownEnums(req);
      Limits limits = limits();
      QueryRange r = QueryRange.forSelect(req.getStart(), req.getEnd(), limits, clock);
      ProfileType type = ProfileType.parse(req.getProfileTypeID());
      Selector.parse(req.getLabelSelector());
      RequestChecks.step(req.getStep());
      RequestChecks.limit(req.getLimit());
      RequestChecks.groupBy(req.getGroupByList());
      if (req.getExemplarType() == ExemplarType.EXEMPLAR_TYPE_INDIVIDUAL || req.getExemplarType() == ExemplarType.EXEMPLAR_TYPE_SPAN) {
        throw FlarestackException.unimplemented("exemplar_type %s is not implemented in Flarestack (Pyroscope serves"
            + " exemplars only with its v2 query backend); leave it unset", req.getExemplarType());
      }
      if (r.empty()) {
        return SelectSeriesResponse.getDefaultInstance();
      }
      TimeSeriesAggregationType aggregation = req.hasAggregation()
          ? req.getAggregation() : TimeSeriesAggregationType.TIME_SERIES_AGGREGATION_TYPE_SUM;
      if (aggregation == TimeSeriesAggregationType.UNRECOGNIZED) {
        throw FlarestackException.invalidArgument("unknown aggregation %d", req.getAggregationValue());
      }
      long stepMillis = RequestChecks.boundedStep(Steps.stepMillis(req.getStep()), r, limits);
      SelectProfilesRequest select = select(req.getLabelSelector(), type, r,
          req.hasStackTraceSelector() ? req.getStackTraceSelector() : null, List.of());
      SeriesMerger merger = new SeriesMerger(aggregation);
      for (List<PartialSeries> part : querier.selectSeries(select, req.getGroupByList(), stepMillis)) {
        merger.add(part, Cancellation.current());
      }
      return SelectSeriesResponse.newBuilder().addAllSeries(merger.build(req.hasLimit() ? req.getLimit() : 0)).build();
    });
  }

  @Override
  public void selectHeatmap(SelectHeatmapRequest req, StreamObserver<SelectHeatmapResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      throw FlarestackException.unimplemented("SelectHeatmap is not implemented");
    });
  }

  @Override
  public void diff(DiffRequest req, StreamObserver<DiffResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      if (!req.hasLeft() || !req.hasRight()) {
        throw FlarestackException.invalidArgument("diff needs both a left and a right selection");
      }
      RequestChecks.knownEnums(req);
      Limits limits = limits();
      long maxNodes = Math.max(
          maxNodes(req.getLeft().hasMaxNodes() ? req.getLeft().getMaxNodes() : 0, limits),
          maxNodes(req.getRight().hasMaxNodes() ? req.getRight().getMaxNodes() : 0, limits));
      CallTree left = diffSide(req.getLeft(), limits, "left");
      CallTree right = diffSide(req.getRight(), limits, "right");
      return DiffResponse.newBuilder().setFlamegraph(FlameGraphs.diff(left, right, maxNodes, Cancellation.current())).build();
    });
  }

  private CallTree diffSide(SelectMergeStacktracesRequest side, Limits limits, String which) {
    QueryRange r;
    ProfileType type;
    try {
      r = QueryRange.forSelect(side.getStart(), side.getEnd(), limits, clock);
      type = ProfileType.parse(side.getProfileTypeID());
      Selector.parse(side.getLabelSelector());
    } catch (FlarestackException e) {
      throw FlarestackException.invalidArgument("%s: %s", which, e.getMessage());
    }
    if (r.empty()) {
      return new CallTree();
    }
    return querier.mergeTree(select(side.getLabelSelector(), type, r,
        side.hasStackTraceSelector() ? side.getStackTraceSelector() : null, List.of()), 0);
  }

  @Override
  public void getProfileStats(GetProfileStatsRequest req, StreamObserver<GetProfileStatsResponse> obs) {
    GrpcCalls.unary(obs, querier::profileStats);
  }

  @Override
  public void analyzeQuery(AnalyzeQueryRequest req, StreamObserver<AnalyzeQueryResponse> obs) {
    GrpcCalls.unary(obs, () -> {
      throw FlarestackException.unimplemented("AnalyzeQuery is not implemented");
    });
  }

  /**
   * The node budget: absent or 0 means the tenant default.
   *
   * @throws FlarestackException invalid_argument when negative or above the tenant maximum
   */
  static long maxNodes(long requested, Limits limits) {
    if (requested < 0) {
      throw FlarestackException.invalidArgument("max_nodes must not be negative, got %d", requested);
    }
    if (requested > limits.maxFlameGraphNodesMax()) {
      throw FlarestackException.invalidArgument("max_nodes %d exceeds the limit of %d (max_flamegraph_nodes_max, %s)",
          requested, limits.maxFlameGraphNodesMax(), Limits.MAX_FLAMEGRAPH_NODES_MAX.describe());
    }
    return requested == 0 ? limits.maxFlameGraphNodesDefault() : requested;
  }

  private static SelectProfilesRequest select(String selector, ProfileType type, QueryRange r,
      StackTraceSelector stackTraceSelector, List<String> spans) {
    SelectProfilesRequest.Builder b = SelectProfilesRequest.newBuilder()
        .setLabelSelector(selector).setProfileTypeId(type.id()).setStart(r.start()).setEnd(r.end())
        .addAllSpanSelector(spans);
    if (stackTraceSelector != null) {
      b.setStackTraceSelector(stackTraceSelector);
    }
    return b.build();
  }

  private static Profile withTime(Profile p, QueryRange r) {
    return p.toBuilder().setTimeNanos(SampleValues.multiply(r.end(), 1_000_000))
        .setDurationNanos(SampleValues.multiply(r.end() - r.start(), 1_000_000)).build();
  }
}
