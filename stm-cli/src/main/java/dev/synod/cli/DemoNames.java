package dev.synod.cli;

/** Names of the refs, atom and lock of one demo run: everything under {@code demo/<run>}. */
record DemoNames(String run) {
    String account(int i) {
        return "demo/" + run + "/account-" + i;
    }

    String swaps() {
        return "demo/" + run + "/swaps";
    }

    String guarded() {
        return "demo/" + run + "/guarded";
    }

    String lock() {
        return "demo/" + run + "/vault";
    }
}
