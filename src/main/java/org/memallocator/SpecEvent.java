package org.memallocator;

/**
 * One spec-level step of the implementation, as reported to a {@link SpecTrace}.
 *
 * @param action  the spec action taken
 * @param thread  the calling thread
 * @param buffer  the buffer number (1..cBuffers) for sample actions and successful gets, else 0
 * @param request the request of a {@code SetProperties} step, else {@code null}
 * @param result  the HRESULT the call returned, or {@code null} for {@link SpecAction#GetBufferBlocks}
 *                (the call has not returned) and for {@link SpecAction#WaitInterrupted}
 *                (it threw {@link InterruptedException})
 * @param refs    the sample's new reference count for {@code AddRef} and {@code Release}, else 0
 */
public record SpecEvent(SpecAction action, Thread thread, int buffer, AllocatorProperties request,
                        HResult result, int refs) {
}
