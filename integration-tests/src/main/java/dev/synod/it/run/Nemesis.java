package dev.synod.it.run;

import dev.synod.it.fault.Ensemble;
import dev.synod.it.fault.SessionExpirer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects the faults of a {@link FaultMix} into an ensemble and its clients until told to stop,
 * then heals everything: paused processes resumed, killed servers restarted, networks healed.
 * Counts each fault it injected. One thread; {@link #stop()} from another.
 */
final class Nemesis implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Nemesis.class);

    private final FaultMix mix;
    private final Ensemble ensemble;
    private final List<ClientProcess> clients;
    private final Random random;
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    Nemesis(FaultMix mix, Ensemble ensemble, List<ClientProcess> clients, long seed) {
        this.mix = mix;
        this.ensemble = ensemble;
        this.clients = clients;
        this.random = new Random(seed);
    }

    /** The faults injected, by kind. */
    Map<String, Long> injected() {
        Map<String, Long> counts = new TreeMap<>();
        injected.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                sleep(1_500 + random.nextInt(1_000));
                if (stopped) {
                    return;
                }
                switch (mix) {
                    case NONE -> {}
                    case LEADER_KILL -> killLeader();
                    case CONNECTION_CUT -> disturbNetwork();
                    case SESSION_EXPIRY -> expireSession();
                    case PAUSE -> pauseClient();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("nemesis {} failed", mix, e);
            count("nemesis-error");
        }
    }

    /** Asks the nemesis thread to stop soon; join it, then {@link #heal()}. */
    void stop() {
        stopped = true;
    }

    /** Resumes every client, heals every network and restarts every killed server. */
    void heal() {
        for (ClientProcess client : clients) {
            if (client.jvm().isAlive()) {
                client.jvm().resume();
            }
            client.network().freeze(false);
            client.network().delay(0);
        }
        for (int i = 0; i < ensemble.size(); i++) {
            if (!ensemble.isRunning(i)) {
                ensemble.restart(i);
            }
        }
    }

    private void count(String fault) {
        injected.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
    }

    private void killLeader() throws InterruptedException {
        int leader = ensemble.leader();
        if (leader < 0) {
            return;
        }
        ensemble.kill(leader);
        count("leader killed");
        sleep(2_500);
        ensemble.restart(leader);
        ensemble.awaitServing(Duration.ofSeconds(30));
    }

    private void disturbNetwork() throws InterruptedException {
        ClientProcess client = clients.get(random.nextInt(clients.size()));
        switch (random.nextInt(3)) {
            case 0 -> {
                client.network().cut();
                count("connections cut");
            }
            case 1 -> {
                client.network().freeze(true);
                count("connections frozen");
                sleep(1_000 + random.nextInt(2_500));
                client.network().freeze(false);
            }
            default -> {
                client.network().delay(50 + random.nextInt(250));
                count("connections delayed");
                sleep(2_000);
                client.network().delay(0);
            }
        }
    }

    private void expireSession() throws Exception {
        ClientProcess client = clients.get(random.nextInt(clients.size()));
        if (client.sessionId() == 0) {
            return;
        }
        if (SessionExpirer.expire(
                ensemble.connectString(), client.sessionId(), client.password(), Duration.ofSeconds(5))) {
            count("sessions expired");
        }
    }

    private void pauseClient() throws InterruptedException {
        ClientProcess client = clients.get(random.nextInt(clients.size()));
        if (client.holds() > 0 || client.workload().startsWith("lock")) {
            if (!pauseWhileHolding(client)) {
                return;
            }
        } else {
            client.jvm().pause();
        }
        count("processes paused");
        sleep(client.sessionTimeout().toMillis() + 2_500);
        client.jvm().resume();
    }

    /** Pauses {@code client} while one of its workers holds the lock; false if it never did. */
    private boolean pauseWhileHolding(ClientProcess client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline && !stopped) {
            long holds = client.holds();
            while (client.holds() == holds && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.sleep(1);
            }
            client.jvm().pause();
            sleep(200); // events already written reach us; a paused process writes no more
            if (client.holding()) {
                return true;
            }
            client.jvm().resume(); // it released before the signal landed: try the next tenure
            count("pause missed a tenure");
        }
        return false;
    }

    private void sleep(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!stopped && System.currentTimeMillis() < deadline) {
            Thread.sleep(Math.min(100, Math.max(1, deadline - System.currentTimeMillis())));
        }
    }
}
