package dev.synod.plugins.mongo;

import dev.synod.stm.spi.VersionedStateContainer;
import dev.synod.stm.testkit.VersionedStateContainerCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit against an in-process MongoDB wire-protocol server. */
class MongoVersionedStateContainerTest extends VersionedStateContainerCompatibilityKit<String> {
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
    protected VersionedStateContainer<String> newContainer(String name) {
        return MongoVersionedStateContainer.create(mongo.database("synod"), name, String.class);
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
