package dev.synod.it.workload;

import dev.synod.it.check.BankValues;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The bank workload client: {@value #ACCOUNT_COUNT} accounts of {@value #INITIAL_BALANCE} each
 * as refs; a worker either transfers 1 to 5 between two accounts in one transaction (declined,
 * and recorded as {@code fail}, when the source has too little) or reads every balance in one
 * transaction. Default isolation (serializable).
 *
 * <p>Arguments besides {@link ClientArgs}: {@value #REF_PREFIX} (the prefix of the account refs'
 * names, {@code bank/} by default, so that two bank workloads can share a run); {@value
 * #HOME_SHARE}, the percentage of transfers a worker makes between its own two "home" accounts
 * (0 by default: every transfer between two random accounts), so that a client writes some refs
 * alone for long stretches and stops watching them; {@value #READ_SHARE}, the percentage of steps
 * that read every balance (30 by default).
 */
public final class BankClient implements Workload {
    /** The number of accounts. */
    public static final int ACCOUNT_COUNT = 10;
    /** The initial balance of every account. */
    public static final long INITIAL_BALANCE = 100;

    /** Argument: the prefix of the account refs' names. */
    public static final String REF_PREFIX = "refPrefix";
    /** Argument: the percentage of transfers between the worker's own two home accounts. */
    public static final String HOME_SHARE = "homeShare";
    /** Argument: the percentage of steps that read every balance. */
    public static final String READ_SHARE = "readShare";

    private static final Codec<Long> CODEC = Codec.json(Long.class);

    private final Stm stm;
    private final History history;
    private final int process;
    private final int threads;
    private final int homeShare;
    private final int readShare;
    private final Map<String, Ref<Long>> accounts;

    private BankClient(ClientContext context) {
        this.stm = context.stm();
        this.history = context.history();
        this.process = context.process();
        ClientArgs args = context.args();
        this.threads = args.getInt(ClientArgs.THREADS, 1);
        this.homeShare = args.getInt(HOME_SHARE, 0);
        this.readShare = args.getInt(READ_SHARE, 30);
        this.accounts = accounts(stm, args.get(REF_PREFIX, "bank/"));
    }

    /** Runs a client: see {@link ClientArgs}. */
    public static void main(String[] args) {
        ClientRuntime.main(args, BankClient::new);
    }

    /** The account names, {@code a0} to {@code a9}. */
    public static List<String> accountNames() {
        return IntStream.range(0, ACCOUNT_COUNT).mapToObj(i -> "a" + i).toList();
    }

    /** The initial balances by account. */
    public static Map<String, Long> initialBalances() {
        Map<String, Long> balances = new LinkedHashMap<>();
        accountNames().forEach(a -> balances.put(a, INITIAL_BALANCE));
        return balances;
    }

    /** Opens (creating if needed) the account refs of {@code stm}. */
    public static Map<String, Ref<Long>> accounts(Stm stm) {
        return accounts(stm, "bank/");
    }

    /** Opens (creating if needed) the account refs of {@code stm}, named {@code prefix} + account. */
    public static Map<String, Ref<Long>> accounts(Stm stm, String prefix) {
        Map<String, Ref<Long>> refs = new LinkedHashMap<>();
        accountNames().forEach(a -> refs.put(a, stm.ref(prefix + a, CODEC, INITIAL_BALANCE)));
        return refs;
    }

    /** Reads every balance in one transaction. */
    public static Map<String, Long> readAll(Stm stm, Map<String, Ref<Long>> accounts) {
        return stm.atomically(txn -> {
            Map<String, Long> balances = new LinkedHashMap<>();
            accounts.forEach((name, ref) -> balances.put(name, ref.get()));
            return balances;
        });
    }

    @Override
    public void step(int thread, RandomGenerator random) {
        if (random.nextInt(100) >= readShare) {
            transfer(thread, random);
        } else {
            read(thread);
        }
    }

    private void transfer(int thread, RandomGenerator random) {
        List<String> names = accountNames();
        String from;
        String to;
        if (random.nextInt(100) < homeShare) {
            // the worker's own pair of accounts, in either direction
            int pair = Math.floorMod((process - 1) * threads + thread, names.size() / 2);
            boolean up = random.nextBoolean();
            from = names.get(2 * pair + (up ? 0 : 1));
            to = names.get(2 * pair + (up ? 1 : 0));
        } else {
            from = names.get(random.nextInt(names.size()));
            to = names.get(random.nextInt(names.size()));
            while (to.equals(from)) {
                to = names.get(random.nextInt(names.size()));
            }
        }
        long amount = 1 + random.nextInt(5);
        Op invoke = history.invoke(process, thread, BankValues.TRANSFER, BankValues.transfer(from, to, amount));
        Ref<Long> source = accounts.get(from);
        Ref<Long> target = accounts.get(to);
        try {
            stm.run(txn -> {
                long balance = source.get();
                if (balance < amount) {
                    throw new InsufficientFunds();
                }
                source.set(balance - amount);
                target.alter(b -> b + amount);
            });
            history.ok(invoke, invoke.value());
        } catch (InsufficientFunds e) {
            history.fail(invoke, invoke.value(), "insufficient-funds");
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
        }
    }

    private void read(int thread) {
        Op invoke = history.invoke(process, thread, BankValues.READ, null);
        try {
            history.ok(invoke, BankValues.balances(readAll(stm, accounts)));
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
        }
    }

    /** Declines a transfer; thrown out of the transaction body, so nothing applies. */
    private static final class InsufficientFunds extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientFunds() {
            super(null, null, false, false);
        }
    }
}
