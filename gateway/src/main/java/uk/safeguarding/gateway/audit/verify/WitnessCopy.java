package uk.safeguarding.gateway.audit.verify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import uk.safeguarding.gateway.audit.chain.Checkpoint;
import uk.safeguarding.gateway.audit.witness.CheckpointJson;
import uk.safeguarding.gateway.audit.witness.WitnessStore;

/**
 * A witness's copy of the signed checkpoints, read from its directory (the files bin/audit-witness
 * writes) or over HTTP from a running witness ({@code GET /checkpoints}, {@code GET /conflicts}).
 */
public record WitnessCopy(String source, List<Checkpoint> checkpoints, List<Checkpoint> conflicts) {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * A URL or a directory. Plain http only to a loopback address: each line is signed but the list is
     * not, so anyone on the path could drop the newest lines and the truncation would pass for a larger
     * unwitnessed window.
     */
    public static WitnessCopy load(String source) throws IOException {
        if (source.startsWith("http://") && !loopback(URI.create(source).getHost())) {
            throw new IOException("witness " + source + ": use https:// (plain http only to a loopback address)");
        }
        if (source.startsWith("http://") || source.startsWith("https://")) {
            String base = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
            if (base.endsWith("/checkpoints")) {
                base = base.substring(0, base.length() - "/checkpoints".length());
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            return new WitnessCopy(source, lines(get(http, base + "/checkpoints")), lines(get(http, base + "/conflicts")));
        }
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
            throw new IOException("witness " + source + " is neither a directory nor an http(s) URL");
        }
        try {
            return new WitnessCopy(source, WitnessStore.read(dir.resolve(WitnessStore.COPY)),
                    WitnessStore.read(dir.resolve(WitnessStore.CONFLICTS)));
        } catch (IllegalArgumentException e) {
            throw new IOException("witness " + source + " holds a malformed line: " + e.getMessage());
        }
    }

    private static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Literal addresses only: a name is not resolved here (it could resolve elsewhere by the time we connect).
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String get(HttpClient http, String url) throws IOException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("witness " + url + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading witness " + url);
        }
    }

    private static List<Checkpoint> lines(String body) throws IOException {
        try {
            return body.lines().filter(line -> !line.isBlank()).map(CheckpointJson::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IOException("witness copy holds a malformed line: " + e.getMessage());
        }
    }
}
