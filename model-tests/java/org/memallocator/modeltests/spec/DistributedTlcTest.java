package org.memallocator.modeltests.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.memallocator.tlc.TlcLauncher;

/**
 * Distributed TLC, as spec/README.md describes it for large constants: a
 * {@code tlc2.tool.distributed.TLCServer} holds the state queue and fingerprints, and
 * {@code TLCWorker}s that reach it over RMI compute successor states. Here both run on this
 * machine, on 127.0.0.1, for the small lifecycle model, and the server must report the
 * manifest's distinct state count.
 *
 * <p>Both processes are forked here rather than through {@link TlcLauncher#run}, which cannot
 * pass the server's port (a JVM system property) and waits for its process to end; they are
 * killed in {@code finally} whatever happens. Every wait is bounded.
 */
class DistributedTlcTest {

    private static final String MODEL = "MemAllocatorLifecycle";
    private static final Pattern STATES = Pattern.compile(
            "(\\d+) states generated, (\\d+) distinct states found, (\\d+) states left on queue");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void serverAndOneWorkerOnLoopbackFindTheManifestsStateCount() throws Exception {
        SpecManifest.Model model = SpecManifest.read().model(MODEL);
        Path spec = SpecManifest.specDir();
        Path run = Files.createDirectories(SpecManifest.repo().resolve("target/tlc-distributed"))
                .resolve("run-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(run.resolve("server-tmp"));
        Files.createDirectories(run.resolve("worker-tmp"));
        int port = freeLoopbackPort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = TlcLauncher.tlaToolsJar().toString();
        List<String> rmi = List.of(
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dtlc2.tool.distributed.TLCServer.port=" + port);

        List<String> serverCommand = new ArrayList<>(List.of(java, "-XX:+UseParallelGC"));
        serverCommand.addAll(rmi);
        serverCommand.addAll(List.of("-Djava.io.tmpdir=" + run.resolve("server-tmp"), "-cp", jar,
                "tlc2.tool.distributed.TLCServer", "-metadir", run.resolve("states").toString(),
                "-config", spec.resolve(model.config()).toString(), stem(model.module())));
        List<String> workerCommand = new ArrayList<>(List.of(java, "-XX:+UseParallelGC"));
        workerCommand.addAll(rmi);
        workerCommand.addAll(List.of("-Djava.io.tmpdir=" + run.resolve("worker-tmp"), "-cp", jar,
                "tlc2.tool.distributed.TLCWorker", "127.0.0.1"));

        Process server = null;
        Process worker = null;
        Output serverOut = null;
        Output workerOut = null;
        try {
            server = new ProcessBuilder(serverCommand).directory(spec.toFile())
                    .redirectErrorStream(true).start();
            server.getOutputStream().close();
            serverOut = new Output(server.getInputStream(), "tlc-server");
            if (!serverOut.await("is ready", server, 120)) {
                fail("TLCServer never became ready" + evidence(serverCommand, serverOut, workerCommand, null));
            }
            worker = new ProcessBuilder(workerCommand).directory(run.toFile())
                    .redirectErrorStream(true).start();
            worker.getOutputStream().close();
            workerOut = new Output(worker.getInputStream(), "tlc-worker");

            boolean finished = server.waitFor(180, TimeUnit.SECONDS);
            String evidence = evidence(serverCommand, serverOut, workerCommand, workerOut);
            assertTrue(finished, "TLCServer did not finish within 180 s" + evidence);
            assertEquals(0, server.exitValue(), "TLCServer's exit code" + evidence);
            String text = serverOut.text();
            assertTrue(text.contains("Model checking completed. No error has been found."), evidence);
            assertTrue(text.contains("Registration for worker"), "a worker registered" + evidence);
            Matcher m = STATES.matcher(text);
            long distinct = -1;
            while (m.find()) {
                distinct = Long.parseLong(m.group(2));
            }
            System.out.printf("%s on a TLCServer and one TLCWorker (127.0.0.1:%d): %d distinct states%n",
                    MODEL, port, distinct);
            assertEquals(model.distinctStates(), distinct,
                    "distinct states, as spec/manifest.json says for " + MODEL + evidence);
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker ends with the server" + evidence);
        } finally {
            kill(worker);
            kill(server);
        }
    }

    private static String stem(String module) {
        return module.endsWith(".tla") ? module.substring(0, module.length() - 4) : module;
    }

    /** A port nobody listens on now; the server binds it a moment later. */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void kill(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private static String evidence(List<String> serverCommand, Output server, List<String> workerCommand,
                                   Output worker) {
        return "\n  server: " + String.join(" ", serverCommand)
                + "\n  worker: " + String.join(" ", workerCommand)
                + "\n---- server output ----\n" + (server == null ? "" : server.text())
                + "\n---- worker output ----\n" + (worker == null ? "(not started)" : worker.text())
                + "\n---- end ----\n";
    }

    /** A process's output, drained on its own thread. */
    private static final class Output extends Thread {
        private final InputStream in;
        private final StringBuilder text = new StringBuilder();

        Output(InputStream in, String name) {
            super(name);
            setDaemon(true);
            this.in = in;
            start();
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (text) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        text.notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (text) {
                    text.append("\n(reading the output failed: ").append(e).append(")\n");
                }
            } finally {
                synchronized (text) {
                    text.notifyAll();
                }
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        /** Waits until the output contains {@code marker}, the process ends, or time runs out. */
        boolean await(String marker, Process p, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (text) {
                while (text.indexOf(marker) < 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || !p.isAlive() && !isAlive()) {
                        return text.indexOf(marker) >= 0;
                    }
                    text.wait(Math.min(left, 200));
                }
                return true;
            }
        }
    }
}
