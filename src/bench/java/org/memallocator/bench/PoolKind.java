package org.memallocator.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MonitorMemAllocator;
import stormpot.Allocator;
import stormpot.BasePoolable;
import stormpot.Expiration;
import stormpot.Pool;
import stormpot.PoolTap;
import stormpot.Slot;
import stormpot.Timeout;

/**
 * The pools under test, by the name the benchmarks take as {@code @Param("impl")}. Every pool
 * holds {@code size} buffers of {@code bufferBytes} direct memory, all created before the first
 * measurement, and blocks in {@link BufferPool#get()} while none is free.
 */
public enum PoolKind {

    MEMALLOCATOR("memallocator", "MonitorMemAllocator (ours)",
            "getBuffer(0) / sample.release(); no trace installed, no notify callback") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            MonitorMemAllocator allocator = new MonitorMemAllocator();
            allocator.setProperties(new AllocatorProperties(size, bufferBytes, 1, 0));
            allocator.commit();
            return new BufferPool() {
                @Override
                public Object get() throws InterruptedException {
                    return allocator.getBuffer(0);
                }

                @Override
                public void release(Object buffer) {
                    ((MediaSample) buffer).release();
                }

                @Override
                public void touch(Object buffer, byte value) {
                    ((MediaSample) buffer).pointer().put(0, value);
                }

                @Override
                public void close() {
                    allocator.close();
                }
            };
        }
    },

    ABQ_TAKE_PUT("abq-take-put", "ArrayBlockingQueue take/put",
            "non-fair ArrayBlockingQueue(size) pre-filled; take() / put()") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            ArrayBlockingQueue<ByteBuffer> queue = filledQueue(size, bufferBytes);
            return new ByteBufferPool() {
                @Override
                public Object get() throws InterruptedException {
                    return queue.take();
                }

                @Override
                public void release(Object buffer) {
                    try {
                        queue.put((ByteBuffer) buffer);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
            };
        }
    },

    ABQ_POLL_OFFER("abq-poll-offer", "ArrayBlockingQueue poll/offer",
            "non-fair ArrayBlockingQueue(size) pre-filled; poll(), falling back to take() when "
                    + "empty, / offer()") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            ArrayBlockingQueue<ByteBuffer> queue = filledQueue(size, bufferBytes);
            return new ByteBufferPool() {
                @Override
                public Object get() throws InterruptedException {
                    ByteBuffer b = queue.poll();
                    return b != null ? b : queue.take();
                }

                @Override
                public void release(Object buffer) {
                    if (!queue.offer((ByteBuffer) buffer)) {
                        throw new IllegalStateException("pool over-full: released twice?");
                    }
                }
            };
        }
    },

    LOCK_CONDITION("lock-condition", "ReentrantLock + Condition",
            "non-fair lock, one condition, LIFO array, signal only when a waiter is counted") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            return new LockConditionPool(size, bufferBytes);
        }
    },

    COMMONS_POOL2("commons-pool2", "commons-pool2 2.12.1 GenericObjectPool",
            "maxTotal = maxIdle = size, pre-filled with addObjects; JMX off; testOnCreate/Borrow/"
                    + "Return/WhileIdle off; no evictor (timeBetweenEvictionRuns < 0); no "
                    + "AbandonedConfig; blockWhenExhausted, maxWait infinite; LIFO, non-fair") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            GenericObjectPoolConfig<ByteBuffer> config = new GenericObjectPoolConfig<>();
            config.setMaxTotal(size);
            config.setMaxIdle(size);
            config.setMinIdle(0);
            config.setJmxEnabled(false);
            config.setTestOnCreate(false);
            config.setTestOnBorrow(false);
            config.setTestOnReturn(false);
            config.setTestWhileIdle(false);
            config.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
            config.setBlockWhenExhausted(true);
            config.setMaxWait(Duration.ofMillis(-1));
            config.setLifo(true);
            config.setFairness(false);
            GenericObjectPool<ByteBuffer> pool = new GenericObjectPool<>(
                    new BasePooledObjectFactory<ByteBuffer>() {
                        @Override
                        public ByteBuffer create() {
                            return ByteBuffer.allocateDirect(bufferBytes);
                        }

                        @Override
                        public PooledObject<ByteBuffer> wrap(ByteBuffer buffer) {
                            return new DefaultPooledObject<>(buffer);
                        }
                    }, config);
            try {
                pool.addObjects(size);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new ByteBufferPool() {
                @Override
                public Object get() throws InterruptedException {
                    try {
                        return pool.borrowObject();
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void release(Object buffer) {
                    pool.returnObject((ByteBuffer) buffer);
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        }
    },

    STORMPOT("stormpot", "Stormpot 3.2 BlazePool, thread-local tap",
            "Pool.fromInline (allocation inline, no allocator thread, hence no background "
                    + "expiration); Expiration.never(); precise leak detection off; claim through getThreadLocalTap() with a 1 s "
                    + "timeout, repeated until it succeeds") {
        @Override
        BufferPool create(int size, int bufferBytes) {
            Pool<PooledBuffer> pool = Pool.fromInline(new Allocator<PooledBuffer>() {
                @Override
                public PooledBuffer allocate(Slot slot) {
                    return new PooledBuffer(slot, ByteBuffer.allocateDirect(bufferBytes));
                }

                @Override
                public void deallocate(PooledBuffer poolable) {
                }
            })
                    .setSize(size)
                    .setExpiration(Expiration.never())
                    // inline mode has no background thread, so no background expiration
                    .setPreciseLeakDetectionEnabled(false)
                    .build();
            PoolTap<PooledBuffer> tap = pool.getThreadLocalTap();
            Timeout timeout = new Timeout(1, TimeUnit.SECONDS);
            return new BufferPool() {
                @Override
                public Object get() throws InterruptedException {
                    PooledBuffer b;
                    do {
                        b = tap.claim(timeout);
                    } while (b == null);
                    return b;
                }

                @Override
                public void release(Object buffer) {
                    ((PooledBuffer) buffer).release();
                }

                @Override
                public void touch(Object buffer, byte value) {
                    ((PooledBuffer) buffer).memory.put(0, value);
                }

                @Override
                public void close() {
                    try {
                        pool.shutdown().await(new Timeout(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    };

    /** The {@code @Param("impl")} value. */
    public final String id;
    /** The name the report shows. */
    public final String label;
    /** How the pool is configured, and which of its features are switched off. */
    public final String setup;

    PoolKind(String id, String label, String setup) {
        this.id = id;
        this.label = label;
        this.setup = setup;
    }

    /** A pool of {@code size} buffers of {@code bufferBytes} bytes, all free. */
    abstract BufferPool create(int size, int bufferBytes);

    public static PoolKind of(String id) {
        for (PoolKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown pool " + id);
    }

    private static ArrayBlockingQueue<ByteBuffer> filledQueue(int size, int bufferBytes) {
        ArrayBlockingQueue<ByteBuffer> queue = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            queue.add(ByteBuffer.allocateDirect(bufferBytes));
        }
        return queue;
    }

    /** Pools whose buffers are plain {@link ByteBuffer}s. */
    private abstract static class ByteBufferPool implements BufferPool {
        @Override
        public void touch(Object buffer, byte value) {
            ((ByteBuffer) buffer).put(0, value);
        }

        @Override
        public void close() {
        }
    }

    /** A Stormpot poolable holding one buffer. */
    static final class PooledBuffer extends BasePoolable {
        final ByteBuffer memory;

        PooledBuffer(Slot slot, ByteBuffer memory) {
            super(slot);
            this.memory = memory;
        }
    }
}
