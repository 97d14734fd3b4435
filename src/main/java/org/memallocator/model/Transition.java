package org.memallocator.model;

import org.memallocator.SpecAction;

/**
 * One step of the spec: an action with its parameters, and the state it leads to.
 *
 * @param action  the spec action
 * @param thread  the calling thread, or {@code null} for {@code AddRef} and {@code Release}
 * @param buffer  the buffer of {@code GetBufferOk}, {@code WakeWithSample}, {@code AddRef} and
 *                {@code Release}, else 0
 * @param request the arguments of {@code SetProperties}, else {@code null}
 * @param target  the next state
 */
public record Transition(SpecAction action, String thread, int buffer, Request request, State target) {

    /** {@code "SetProperties(t1, 2, \"valid\", TRUE)"}, {@code "Release(1)"}: the step as the spec writes it. */
    public String label() {
        StringBuilder s = new StringBuilder(action.name()).append('(');
        if (thread != null) {
            s.append(thread);
        }
        if (request != null) {
            s.append(", ").append(request);
        }
        if (buffer != 0) {
            s.append(thread != null ? ", " : "").append(buffer);
        }
        return s.append(')').toString();
    }
}
