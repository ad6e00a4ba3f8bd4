package dev.synod.plugins.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MongoDB container bounds its operations even when the client sets no operation timeout (the
 * driver's default is to wait forever): 10 s; a timeout set on the client or database is kept.
 */
class MongoDefaultTimeoutTest {
    private static InProcessMongo mongo;

    @BeforeAll
    static void start() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Test
    void aDatabaseWithoutATimeoutGetsTenSeconds() {
        assertThat(mongo.database("synod").getTimeout(TimeUnit.MILLISECONDS)).isNull();
        assertThat(MongoDocs.bounded(mongo.database("synod"), "c").getTimeout(TimeUnit.MILLISECONDS))
                .isEqualTo(10_000L);
    }

    @Test
    void aTimeoutOfTheDatabaseIsKept() {
        assertThat(MongoDocs.bounded(mongo.database("synod").withTimeout(250, TimeUnit.MILLISECONDS), "c")
                        .getTimeout(TimeUnit.MILLISECONDS))
                .isEqualTo(250L);
        assertThat(MongoDocs.limit(
                        MongoDocs.bounded(mongo.database("synod").withTimeout(0, TimeUnit.MILLISECONDS), "c")))
                .contains("no operation timeout");
    }
}
