package org.memallocator.bench.checker;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CheckerBenchmark} and writes JMH's JSON to {@code target/bench/checker.json}.
 *
 * <pre>
 * mvn -o -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath org.memallocator.bench.checker.CheckerBench"
 * </pre>
 *
 * Arguments, optional: a JMH include regex (default: all of CheckerBenchmark), then
 * {@code events=1000,10000} or {@code threads=4} to narrow the parameters.
 */
public final class CheckerBench {

    private CheckerBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target", "bench", "checker.json");
        Files.createDirectories(out.getParent());
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(args.length > 0 && !args[0].contains("=") ? args[0] : CheckerBenchmark.class.getName())
                .jvmArgsAppend("-Xmx3g")
                .resultFormat(ResultFormatType.JSON)
                .result(out.toString());
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                options.param(a.substring(0, eq), a.substring(eq + 1).split(","));
            }
        }
        new Runner(options.build()).run();
        System.out.println("JMH results: " + out);
    }
}
