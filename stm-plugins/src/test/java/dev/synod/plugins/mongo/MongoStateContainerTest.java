package dev.synod.plugins.mongo;

import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.testkit.StateContainerCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit against an in-process MongoDB wire-protocol server. */
class MongoStateContainerTest extends StateContainerCompatibilityKit<String> {
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Override
    protected StateContainer<String> newContainer(String name) {
        return MongoStateContainer.create(mongo.database("synod"), name, String.class);
    }

    @Override
    protected String value(int i) {
        return "value-" + i;
    }

    @Override
    protected String valueOfSize(int bytes, int i) {
        return i + "-" + "x".repeat(bytes);
    }
}
