package org.memallocator.model;

import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;

/**
 * The arguments of the spec's {@code SetProperties(t, c, l, alignOk)}: a request abstracted to its
 * count, its layout and whether its alignment is acceptable.
 *
 * @param count   {@code c}: {@code max(cBuffers, 0)}
 * @param layout  {@code l}: what {@code Commit} would find once the request is stored
 * @param alignOk {@code alignOk}: {@code cbAlign} is a power of two in 1..65536
 */
public record Request(int count, Layout layout, boolean alignOk) {

    public Request {
        if (count < 0 || layout == null) {
            throw new IllegalArgumentException("count " + count + ", layout " + layout);
        }
    }

    /**
     * The abstraction of a concrete request, using {@link AllocatorProperties}' own rules:
     * {@code alignOk} is {@link AllocatorProperties#hasValidAlignment()}; {@code count} is
     * {@code max(cBuffers, 0)}; {@code layout} is the {@link AllocatorProperties#commitError()} of
     * the {@linkplain AllocatorProperties#rounded() rounded} request, computed with at least one
     * buffer so that it describes the size and prefix even when the count is 0 (the spec's
     * {@code CommitError} ignores the layout then). A misaligned request is stored nowhere, and its
     * layout, which no spec step reads, is taken from the unrounded request.
     */
    public static Request of(AllocatorProperties request) {
        boolean alignOk = request.hasValidAlignment();
        AllocatorProperties oneOrMore = new AllocatorProperties(Math.max(request.cBuffers(), 1),
                request.cbBuffer(), request.cbAlign(), request.cbPrefix());
        HResult error = (alignOk ? oneOrMore.rounded() : oneOrMore).commitError();
        Layout layout = switch (error) {
            case S_OK -> Layout.VALID;
            case VFW_E_SIZENOTSET -> Layout.SIZE_NOT_SET;
            case E_OUTOFMEMORY -> Layout.OUT_OF_MEMORY;
            default -> throw new IllegalStateException("commitError() returned " + error);
        };
        return new Request(Math.max(request.cBuffers(), 0), layout, alignOk);
    }

    /**
     * A concrete request whose abstraction is this one: {@code cBuffers = count}; {@code cbAlign}
     * 8, or 3 when not {@code alignOk}; {@code cbBuffer} 100 (rounded up to 104 by alignment 8) with
     * no prefix for {@code "valid"}, 0 for {@code "sizeNotSet"}, and prefix -8 for
     * {@code "outOfMemory"}.
     */
    public AllocatorProperties example() {
        int align = alignOk ? 8 : 3;
        return switch (layout) {
            case VALID -> new AllocatorProperties(count, 100, align, 0);
            case SIZE_NOT_SET -> new AllocatorProperties(count, 0, align, 0);
            case OUT_OF_MEMORY -> new AllocatorProperties(count, 100, align, -8);
        };
    }

    @Override
    public String toString() {
        return count + ", \"" + layout.tla() + "\", " + (alignOk ? "TRUE" : "FALSE");
    }
}
