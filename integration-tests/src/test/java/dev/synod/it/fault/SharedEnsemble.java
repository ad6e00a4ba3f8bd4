package dev.synod.it.fault;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves an {@link Ensemble} parameter: one three-server ensemble of child JVMs for the whole
 * test run (its start costs a few seconds), closed when the run ends. Its data and server logs
 * are under {@code target/fault-runs/ensemble}.
 */
public final class SharedEnsemble implements ParameterResolver {

    private record Resource(Ensemble ensemble) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            ensemble.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Ensemble.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(
                        Resource.class,
                        k -> new Resource(Ensemble.start(
                                Path.of(
                                        "target",
                                        "fault-runs",
                                        "ensemble-" + ProcessHandle.current().pid()),
                                3,
                                Duration.ofSeconds(60))),
                        Resource.class)
                .ensemble();
    }
}
