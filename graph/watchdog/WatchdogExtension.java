/*
 * casegraph's watchdog for the local Neo4j server (compiled by graph/server.py at `db start`).
 *
 * Neo4j checks a transaction's timeout between rows, never inside one expression: a statement
 * such as `RETURN reduce(s = 0, x IN range(1, 10^18) | s + 0)` is marked terminated when its
 * timeout passes and keeps a core busy for hours. Each database gets one watchdog thread that
 * looks at the executing transactions twice a second; a transaction that has been marked for
 * termination (its timeout passed, or it was terminated) and is still running its query
 * `casegraph.watchdog.grace_ms` later has the thread that runs the query stopped. The thread
 * is stopped only while it is inside the query's Cypher runtime and still bound to the same
 * client connection (its name, which names the connection, is the one it had when the query
 * started), so an idle or reused worker thread is never touched.
 *
 * The JVM's only way to end a thread that does not check for interruption is to throw into it
 * (Thread.stop, up to Java 19). What is thrown is Neo4j's own TransactionTerminatedException
 * with the reason the transaction was marked (e.g. Transaction.TransactionTimedOut), through
 * the private Thread.stop0 (the server runs with --add-opens=java.base/java.lang): the client
 * then receives the usual timeout error. A bare ThreadDeath has no message, and Bolt cannot
 * encode a failure without one, which would leave the client waiting for ever. On a JVM
 * without Thread.stop0 the watchdog logs once and only watches.
 */
package casegraph.watchdog;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.neo4j.graphdb.TransactionTerminatedException;
import org.neo4j.kernel.api.KernelTransactionHandle;
import org.neo4j.kernel.api.TerminationMark;
import org.neo4j.kernel.api.exceptions.Status;
import org.neo4j.kernel.api.query.ExecutingQuery;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.impl.api.KernelTransactions;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.logging.InternalLog;
import org.neo4j.logging.internal.LogService;

public final class WatchdogExtension extends ExtensionFactory<WatchdogExtension.Dependencies> {
    public interface Dependencies {
        KernelTransactions kernelTransactions();

        LogService logService();
    }

    public WatchdogExtension() {
        super(ExtensionType.DATABASE, "casegraph-watchdog");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new Watchdog(dependencies);
    }

    static final class Watchdog extends LifecycleAdapter implements Runnable {
        private static final long PERIOD_MS = 500;
        private static final String RUNTIME_FRAMES = "org.neo4j.cypher.internal.";
        // Never stop a thread that is inside storage, paging or locking code.
        private static final String[] UNSAFE_FRAMES = {
            "org.neo4j.io.pagecache.", "org.neo4j.kernel.impl.locking.", "org.neo4j.lock.",
            "org.neo4j.storageengine.", "org.neo4j.internal.recordstorage.",
            "org.neo4j.kernel.impl.transaction.log.",
        };

        private final Dependencies dependencies;
        private final long graceNanos;
        private final Map<Long, Long> firstSeen = new HashMap<>();
        private volatile Thread thread;
        private InternalLog log;
        private boolean stopUnsupported;

        Watchdog(Dependencies dependencies) {
            this.dependencies = dependencies;
            this.graceNanos = Long.getLong("casegraph.watchdog.grace_ms", 3000L) * 1_000_000L;
        }

        @Override
        public void start() {
            log = dependencies.logService().getUserLog(WatchdogExtension.class);
            Thread t = new Thread(this, "casegraph-watchdog");
            t.setDaemon(true);
            thread = t;
            t.start();
        }

        @Override
        public void stop() {
            Thread t = thread;
            thread = null;
            if (t != null) {
                t.interrupt();
            }
        }

        @Override
        public void run() {
            while (thread == Thread.currentThread()) {
                try {
                    Thread.sleep(PERIOD_MS);
                    sweep();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("casegraph watchdog: sweep failed: " + e);
                }
            }
        }

        private void sweep() {
            long now = System.nanoTime();
            Set<Long> marked = new HashSet<>();
            for (KernelTransactionHandle tx : dependencies.kernelTransactions().executingTransactions()) {
                Optional<TerminationMark> mark = tx.terminationMark();
                if (mark.isEmpty() || tx.isClosing()) {
                    continue;
                }
                long id = tx.getTransactionSequenceNumber();
                marked.add(id);
                long seen = firstSeen.computeIfAbsent(id, k -> now);
                if (now - seen >= graceNanos) {
                    Status reason = mark.get().getReason();
                    tx.executingQuery().ifPresent(query -> stopRunaway(query, reason, now - seen));
                }
            }
            firstSeen.keySet().retainAll(marked);
        }

        private void stopRunaway(ExecutingQuery query, Status reason, long overdueNanos) {
            Optional<Thread> found = threadOf(query);
            if (found.isEmpty()) {
                return;
            }
            Thread runner = found.get();
            if (!runner.getName().equals(query.threadExecutingTheQueryName())) {
                return; // the worker went back to its pool or serves another connection
            }
            StackTraceElement[] stack = runner.getStackTrace();
            boolean inRuntime = false;
            for (StackTraceElement frame : stack) {
                String name = frame.getClassName();
                for (String unsafe : UNSAFE_FRAMES) {
                    if (name.startsWith(unsafe)) {
                        return; // try again at the next sweep
                    }
                }
                inRuntime |= name.startsWith(RUNTIME_FRAMES);
            }
            if (!inRuntime || stopUnsupported) {
                return;
            }
            try {
                throwInto(runner, new TransactionTerminatedException(reason));
                log.warn(String.format(
                    "casegraph watchdog: stopped query %s on thread %s, still running %d ms after "
                        + "its transaction was terminated",
                    query.id(), runner.getName(), overdueNanos / 1_000_000L));
            } catch (ReflectiveOperationException | RuntimeException e) {
                stopUnsupported = true;
                log.warn("casegraph watchdog: this JVM cannot stop a thread (" + e + "); runaway "
                    + "queries are only refused by casegraph's read-only guard");
            }
        }

        private static void throwInto(Thread runner, Throwable error) throws ReflectiveOperationException {
            Method stop0 = Thread.class.getDeclaredMethod("stop0", Object.class);
            stop0.setAccessible(true);
            stop0.invoke(runner, error);
        }

        private static Optional<Thread> threadOf(ExecutingQuery query) {
            long id;
            try {
                Field field = ExecutingQuery.class.getDeclaredField("threadExecutingTheQueryId");
                field.setAccessible(true);
                id = field.getLong(query);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Optional.empty();
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getId() == id) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }
}
