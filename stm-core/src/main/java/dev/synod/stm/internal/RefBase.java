package dev.synod.stm.internal;

import dev.synod.stm.Ref;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** The transactional operations every ref shares: they act on the running transaction. */
abstract class RefBase<T> extends IdentityBase<T> implements Ref<T> {

    RefBase(Engine engine, String name) {
        super(engine, name);
    }

    @Override
    public T alter(UnaryOperator<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return engine.requireTxn(this, "alter").alter(this, fn);
    }

    @Override
    public T set(T value) {
        Objects.requireNonNull(value, "ref values must not be null (use Optional or an empty collection)");
        return engine.requireTxn(this, "set").set(this, value);
    }

    @Override
    public T commute(UnaryOperator<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return engine.requireTxn(this, "commute").commute(this, fn);
    }

    @Override
    public T ensure() {
        return engine.requireTxn(this, "ensure").ensure(this);
    }
}
