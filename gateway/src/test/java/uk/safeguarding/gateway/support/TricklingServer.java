package uk.safeguarding.gateway.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile receiver on loopback: {@code /trickle} answers 200 and then sends a chunked body one byte at a
 * time, forever; {@code /silent} never answers. Records when it answered and when the client cut it off.
 */
public final class TricklingServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong answeredAt = new AtomicLong();
    private final AtomicLong cutAt = new AtomicLong();

    public TricklingServer(long byteEveryMs) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/trickle", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            answeredAt.compareAndSet(0, System.nanoTime());
            try {
                while (!stop.get()) {
                    exchange.getResponseBody().write('x');
                    exchange.getResponseBody().flush();
                    Thread.sleep(byteEveryMs);
                }
            } catch (IOException | InterruptedException e) {
                cutAt.compareAndSet(0, System.nanoTime());
            } finally {
                exchange.close();
            }
        });
        server.createContext("/silent", exchange -> {
            try {
                while (!stop.get()) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Milliseconds from the 200 to the client resetting the trickle; -1 while it is still connected. */
    public long heldMs() {
        return cutAt.get() == 0 ? -1 : (cutAt.get() - answeredAt.get()) / 1_000_000;
    }

    @Override
    public void close() {
        stop.set(true);
        server.stop(0);
    }
}
