package org.memallocator.testing;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * Run only by {@link HangWatchdogTest}, in a JVM of its own: {@code main} runs one of the fixture
 * classes below through the JUnit Platform launcher, as Surefire would. Their names do not match
 * Surefire's includes, so a build never runs them directly.
 */
public final class WatchdogFixtures {

    /** A test that blocks for ever and ignores interrupts, as a broken {@code getBuffer} would. */
    public static final class HangsIgnoringInterrupts {
        @Test
        void blocksForEverIgnoringInterrupts() {
            while (true) {
                LockSupport.park(this);
            }
        }
    }

    /** A test that finishes at once: the watchdog must stay silent. */
    public static final class FinishesQuickly {
        @Test
        void returnsAtOnce() {
        }
    }

    public static void main(String[] args) throws ClassNotFoundException {
        Class<?> fixture = Class.forName(WatchdogFixtures.class.getName() + "$" + args[0]);
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(fixture)).build());
        System.out.println("launcher returned");
    }
}
