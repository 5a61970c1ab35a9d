package io.flarestack.common.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the machine's curl, the reference HTTP/2-with-prior-knowledge client (nghttp2). */
final class Curl {
  record Result(int exitCode, String httpVersion, int status, String headers, byte[] body, String stderr) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Curl() {}

  static Result run(Path dir, List<String> args) throws IOException, InterruptedException {
    Path body = Files.createTempFile(dir, "body", ".out");
    Path headers = Files.createTempFile(dir, "headers", ".out");
    Path err = Files.createTempFile(dir, "stderr", ".out");
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-o", body.toString(), "-D",
        headers.toString(), "-w", "%{http_version} %{http_code}"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("curl did not finish: " + cmd);
    }
    String[] parts = out.split(" ");
    return new Result(p.exitValue(), parts[0], Integer.parseInt(parts[1]), Files.readString(headers),
        Files.readAllBytes(body), Files.readString(err));
  }
}
