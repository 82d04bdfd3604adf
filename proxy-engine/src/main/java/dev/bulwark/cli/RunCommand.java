package dev.bulwark.cli;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.ConfigLoader;
import dev.bulwark.config.EngineConfig;
import dev.bulwark.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code bulwark run --config FILE}: the engine as a service, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the engine with a configuration file.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The engine's YAML configuration (default: ${DEFAULT-VALUE}).",
            defaultValue = "/etc/bulwark/bulwark.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        EngineConfig engineConfig;
        try {
            engineConfig = ConfigLoader.load(config, EngineConfig.class);
        } catch (ConfigException e) {
            System.err.println("bulwark: invalid configuration " + config + ": " + e.getMessage());
            return 2;
        }
        Engine engine = Engine.start(engineConfig);
        awaitShutdown(engine);
        return 0;
    }

    /** Blocks until the JVM is asked to stop, then closes what was started. */
    static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    System.err.println("bulwark: error while stopping: " + e);
                }
            }
            stopped.countDown();
        }, "bulwark-shutdown"));
        stopped.await();
    }
}
