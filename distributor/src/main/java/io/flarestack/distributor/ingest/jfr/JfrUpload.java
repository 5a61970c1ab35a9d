package io.flarestack.distributor.ingest.jfr;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import io.flarestack.distributor.ingest.Multipart;
import java.io.IOException;
import java.util.List;

/**
 * The parts of a JFR upload: a {@code multipart/form-data} body with file parts {@code jfr}
 * (required) and {@code labels} (optional {@code LabelsSnapshot}), each gzip-compressed or not
 * (detected by the magic bytes), or else the whole body as the recording. Pyroscope reads a bare
 * body as an uncompressed recording; a gzipped bare body is accepted here as well.
 *
 * @param jfr the recording as uploaded (possibly gzipped)
 * @param labels the dynamic labels, empty when there is no {@code labels} part
 */
record JfrUpload(byte[] jfr, LabelsSnapshot labels) {
  JfrUpload {
    requireNonNull(jfr, "jfr is null");
    requireNonNull(labels, "labels is null");
  }

  /**
   * Splits {@code request}.
   *
   * @param limit bounds the decompressed labels
   * @throws FlarestackException invalid_argument for a malformed form, a missing {@code jfr}
   *     part or a labels part that is not a (gzipped) {@code LabelsSnapshot}
   * @throws JfrTooLargeException when the labels decompress past the limit
   */
  static JfrUpload read(HttpRequest request, JfrConfig.SizeLimit limit) {
    String contentType = request.header("Content-Type");
    if (!Multipart.isMultipart(contentType)) {
      return new JfrUpload(request.body(), LabelsSnapshot.getDefaultInstance());
    }
    List<Multipart.Part> parts = Multipart.parse(request.body(), contentType);
    Multipart.Part jfr = Multipart.file(parts, "jfr");
    if (jfr == null) {
      throw FlarestackException.invalidArgument(
          "the multipart form has no file part named \"jfr\", which holds the JFR recording (parts: %s)", describe(parts));
    }
    Multipart.Part labels = Multipart.file(parts, "labels");
    return new JfrUpload(jfr.data(), labels == null || labels.data().length == 0
        ? LabelsSnapshot.getDefaultInstance() : labels(labels.data(), limit));
  }

  private static LabelsSnapshot labels(byte[] data, JfrConfig.SizeLimit limit) {
    byte[] raw = data;
    if (Gzip.isGzip(data)) {
      try {
        raw = Gzip.gunzip(data, limit.bytes(), RequestMemory.current());
      } catch (IOException e) {
        throw FlarestackException.invalidArgument("the labels part is not valid gzip: %s", e.getMessage());
      }
      if (raw == null) {
        throw new JfrTooLargeException(String.format(
            "the labels part decompresses to more than %d bytes, the limit (%s)", limit.bytes(), limit.source()));
      }
    }
    try {
      return LabelsSnapshot.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw FlarestackException.invalidArgument("the labels part is not a LabelsSnapshot protobuf (%d bytes): %s",
          raw.length, e.getMessage());
    }
  }

  private static String describe(List<Multipart.Part> parts) {
    if (parts.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    for (Multipart.Part p : parts) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(p.name()).append(p.filename() == null ? " (not a file)" : " (file)");
    }
    return sb.toString();
  }
}
