package dev.synod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synod reset ATOM VALUE}: sets an atom to a JSON value, whatever it was. */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        description = "Set an atom to a JSON value, whatever it holds now.")
final class ResetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print the old and new value as a JSON object")
    boolean json;

    @Parameters(index = "0", paramLabel = "ATOM", description = "atom name")
    String name;

    @Parameters(index = "1", paramLabel = "VALUE", description = "the new value as JSON, e.g. 0, '\"text\"', '[1,2]'")
    String value;

    @Override
    public Integer call() {
        String canonical = Cells.validName(name);
        JsonNode v = Json.parseArgument("VALUE", value);
        return AtomEdit.apply(ensemble, canonical, json, spec.commandLine().getOut(), old -> v);
    }
}
