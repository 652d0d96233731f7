// bench_catalog: the catalogue's inserts, updates and filtered lists per second on SQLite and
// PostgreSQL with a library of --files files (default 100 000), the p50/p99 of a filtered
// list (Catalog::files, what the server's listFiles runs), and the check that a library of a
// million files lists a filtered page in under 50 ms on PostgreSQL.
//
//   bench_catalog [--files N] [--measured N] [--lists N] [--no-million] [--catalog postgresql://...]
//                 [--fast-unsafe] [--explain]
//
// PostgreSQL is a server of the benchmark's own (tests/support/postgresserver, Debian's
// postgresql package) with the durable defaults (fsync, synchronous_commit on) unless
// --fast-unsafe; or an existing one with --catalog (its database must be empty).
// SQLite runs as the server runs it: WAL, synchronous=NORMAL.
#include "library/catalog.h"
#include "postgresserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace roomrec;

namespace {
// File number g (1-based) gets its fields from g modulo pairwise coprime numbers, so each
// filter matches evenly across the ID range and combined filters are independent (a tag
// and a class together: 1 in 53 x 20). The same formulas fill the million in SQL below.
constexpr quint64 kIdBase = quint64(1) << 40;
constexpr quint64 kIdStep = 4096; // as if one ID per millisecond, node 0
quint64 idOf(qint64 g) { return kIdBase + quint64(g) * kIdStep; }

FileRecord fileNumber(qint64 g)
{
    FileRecord r;
    r.id = idOf(g);
    r.recordingId = r.id;
    r.name = QStringLiteral("lesson-%1").arg(g % 4999);
    r.tags = {QStringLiteral("tag%1").arg(g % 53), QStringLiteral("week%1").arg(g % 49)};
    r.classId = quint32(g % 20);
    r.relationId = 15000;
    r.roomId = quint32(g % 100);
    r.userId = QStringLiteral("user%1").arg(g % 997);
    r.startedAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + g * 1000, Qt::UTC);
    r.endedAt = r.startedAt.addSecs(3600);
    r.durationUs = 3'600'000'000;
    r.sizeBytes = 1'100'000'000;
    r.videoCodec = QStringLiteral("h264");
    r.audioCodec = QStringLiteral("aac");
    r.width = 1280;
    r.height = 720;
    r.state = FileRecord::State::Complete;
    r.storagePath = QStringLiteral("/var/lib/roomrec/recordings/2026-11-27/lesson-%1.mp4").arg(r.id);
    r.endReason = QStringLiteral("segment");
    return r;
}

struct ListKind {
    const char *name;
    std::function<FileFilter(QRandomGenerator &)> filter;
};

const QList<ListKind> &listKinds()
{
    static const QList<ListKind> kinds = {
        {"user", [](QRandomGenerator &r) { FileFilter f; f.userId = QStringLiteral("user%1").arg(r.bounded(997)); return f; }},
        {"tag", [](QRandomGenerator &r) { FileFilter f; f.tag = QStringLiteral("tag%1").arg(r.bounded(53)); return f; }},
        {"class", [](QRandomGenerator &r) { FileFilter f; f.classId = quint32(r.bounded(20)); return f; }},
        {"name", [](QRandomGenerator &r) { FileFilter f; f.name = QStringLiteral("lesson-%1").arg(r.bounded(4999)); return f; }},
        {"tag+class", [](QRandomGenerator &r) { FileFilter f; f.tag = QStringLiteral("tag%1").arg(r.bounded(53)); f.classId = quint32(r.bounded(20)); return f; }},
        {"user, page 5", [](QRandomGenerator &r) { FileFilter f; f.userId = QStringLiteral("user%1").arg(r.bounded(997)); f.afterId = idOf(4 * 100 * 997); return f; }},
    };
    return kinds;
}

struct ListFigures {
    double perSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    QList<std::pair<QString, double>> p99ByKind;
    qint64 rows = 0;
};

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.at(qMin(v.size() - 1, int(p * v.size())));
}

bool fail(const char *what, const Status &s)
{
    if (s)
        return false;
    std::fprintf(stderr, "bench_catalog: %s: %s\n", what, qPrintable(s.error().toString()));
    return true;
}

ListFigures measureLists(Catalog &catalog, int count, int pageSize)
{
    QRandomGenerator random(7);
    ListFigures out;
    QList<double> all;
    QMap<QString, QList<double>> byKind;
    QElapsedTimer total;
    total.start();
    for (int i = 0; i < count; ++i) {
        const ListKind &kind = listKinds().at(i % listKinds().size());
        FileFilter filter = kind.filter(random);
        filter.limit = pageSize;
        QElapsedTimer t;
        t.start();
        auto rows = catalog.files(filter);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (!rows) {
            std::fprintf(stderr, "bench_catalog: list: %s\n", qPrintable(rows.error().toString()));
            return out;
        }
        out.rows += rows->size();
        all << ms;
        byKind[QLatin1String(kind.name)] << ms;
    }
    out.perSecond = count / (double(total.nsecsElapsed()) / 1e9);
    out.p50Ms = percentile(all, 0.50);
    out.p99Ms = percentile(all, 0.99);
    for (const ListKind &kind : listKinds())
        out.p99ByKind << std::pair{QLatin1String(kind.name), percentile(byKind.value(QLatin1String(kind.name)), 0.99)};
    return out;
}

struct Figures {
    QString backend;
    qint64 files = 0;
    double insertsPerSecond = 0;
    double updatesPerSecond = 0;
    ListFigures lists;
    bool ok = false;
};

void analyze(Catalog &catalog)
{
    // Planner statistics, as autovacuum (PostgreSQL) would gather them shortly after a load;
    // SQLite's ANALYZE does the same for its planner.
    QSqlQuery q(QSqlDatabase::database(catalog.connectionName()));
    q.exec(QStringLiteral("ANALYZE"));
}

Figures run(const QString &backend, const CatalogUrl &url, qint64 files, int measured, int lists)
{
    Figures f;
    f.backend = backend;
    f.files = files;
    Catalog catalog;
    if (fail("open", catalog.open(url, 0)))
        return f;
    // The library up to files - measured, in big transactions (not measured).
    const qint64 prefill = files - measured;
    QList<FileRecord> batch;
    for (qint64 g = 1; g <= prefill; ++g) {
        batch << fileNumber(g);
        if (batch.size() == 2000 || g == prefill) {
            if (fail("fill", catalog.insertAll(batch)))
                return f;
            batch.clear();
        }
    }
    analyze(catalog);
    // Inserts one by one, each its own transaction, as a recording server makes them.
    QElapsedTimer t;
    t.start();
    for (qint64 g = prefill + 1; g <= files; ++g) {
        if (fail("insert", catalog.insert(fileNumber(g))))
            return f;
    }
    f.insertsPerSecond = measured / (double(t.nsecsElapsed()) / 1e9);
    // Updates of records read before (revision-checked, like the finisher's and the
    // post-processor's), spread over the library; the reads are not timed.
    QRandomGenerator random(11);
    QSet<qint64> picked;
    while (picked.size() < measured)
        picked.insert(1 + qint64(random.bounded(quint64(files))));
    QList<FileRecord> unique;
    for (const qint64 g : picked) {
        auto r = catalog.file(idOf(g));
        if (!r) {
            fail("read", r.error());
            return f;
        }
        unique << r.value();
    }
    t.restart();
    for (FileRecord r : unique) {
        r.processingState = QStringLiteral("done");
        r.sizeBytes += 1;
        if (fail("update", catalog.update(r)))
            return f;
    }
    f.updatesPerSecond = unique.size() / (double(t.nsecsElapsed()) / 1e9);
    f.lists = measureLists(catalog, lists, 100);
    f.ok = true;
    return f;
}

// PostgreSQL only: from `from` files to a million, straight in SQL (one ID per file, the same
// fields as fileNumber()), then the filtered pages again.
bool growToAMillion(Catalog &catalog, qint64 from, qint64 to)
{
    QSqlQuery q(QSqlDatabase::database(catalog.connectionName()));
    const QString files = QStringLiteral(
        "INSERT INTO files (id, recording_id, segment_index, name, tags, class_id, relation_id, room_id, user_id, stream_kind,"
        " started_at, ended_at, media_start_us, duration_us, size_bytes, video_codec, audio_codec, width, height, state,"
        " storage_path, end_reason, processing, processing_state, derived, node_id, revision) "
        "SELECT %1 + g * %2, %1 + g * %2, 0, 'lesson-' || (g %% 4999), '[\"tag' || (g %% 53) || '\",\"week' || (g %% 49) || '\"]',"
        " g %% 20, 15000, g %% 100, 'user' || (g %% 997), 0, 1700000000000 + g * 1000, 1700000000000 + g * 1000 + 3600000, 0,"
        " 3600000000, 1100000000, 'h264', 'aac', 1280, 720, 'complete',"
        " '/var/lib/roomrec/recordings/2026-11-27/lesson-' || (%1 + g * %2) || '.mp4', 'segment', '', '', '[]', 0, 1 "
        "FROM generate_series(CAST(%3 AS BIGINT), CAST(%4 AS BIGINT)) AS g")
                              .replace(QLatin1String("%%"), QLatin1String("%"));
    const QString tags = QStringLiteral(
        "INSERT INTO file_tags (tag, file_id) "
        "SELECT 'tag' || (g % 53), %1 + g * %2 FROM generate_series(CAST(%3 AS BIGINT), CAST(%4 AS BIGINT)) AS g "
        "UNION ALL SELECT 'week' || (g % 49), %1 + g * %2 FROM generate_series(CAST(%3 AS BIGINT), CAST(%4 AS BIGINT)) AS g");
    for (const QString &sql : {files, tags}) {
        if (!q.exec(QString(sql).arg(kIdBase).arg(kIdStep).arg(from + 1).arg(to))) {
            std::fprintf(stderr, "bench_catalog: growing to a million: %s\n", qPrintable(q.lastError().text()));
            return false;
        }
    }
    analyze(catalog);
    return true;
}

// The plan PostgreSQL picks for one list of each kind (--explain). The WHERE clauses are
// Catalog::files()'s, written out again here with literal values.
void explainLists(Catalog &catalog)
{
    const QString columns = QStringLiteral("SELECT id FROM files WHERE %1 ORDER BY id LIMIT 100");
    const QList<std::pair<const char *, QString>> queries = {
        {"user", QStringLiteral("user_id='user5'")},
        {"tag", QStringLiteral("id IN (SELECT file_id FROM file_tags WHERE tag='tag5')")},
        {"class", QStringLiteral("class_id=5")},
        {"name", QStringLiteral("name='lesson-5'")},
        {"tag+class", QStringLiteral("id IN (SELECT file_id FROM file_tags WHERE tag='tag5') AND class_id=7")},
        {"user, page 5", QStringLiteral("user_id='user5' AND id>%1").arg(idOf(4 * 100 * 997))},
    };
    QSqlQuery q(QSqlDatabase::database(catalog.connectionName()));
    for (const auto &[kind, where] : queries) {
        std::printf("\n-- %s\n", kind);
        if (!q.exec(QStringLiteral("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ") + columns.arg(where)))
            std::printf("%s\n", qPrintable(q.lastError().text()));
        while (q.next())
            std::printf("%s\n", qPrintable(q.value(0).toString()));
    }
}

void printFigures(const QList<Figures> &all)
{
    std::printf("\n%-10s | %9s | %9s | %9s | %8s | %11s | %11s\n", "backend", "files", "inserts/s", "updates/s", "lists/s",
                "list p50 ms", "list p99 ms");
    for (const Figures &f : all) {
        if (!f.ok)
            continue;
        std::printf("%-10s | %9lld | %9.0f | %9.0f | %8.0f | %11.2f | %11.2f\n", qPrintable(f.backend), f.files,
                    f.insertsPerSecond, f.updatesPerSecond, f.lists.perSecond, f.lists.p50Ms, f.lists.p99Ms);
    }
    std::printf("\nfiltered list (100 per page), p99 ms per filter:\n%-10s", "backend");
    for (const ListKind &k : listKinds())
        std::printf(" | %12s", k.name);
    std::printf("\n");
    for (const Figures &f : all) {
        if (!f.ok)
            continue;
        std::printf("%-10s", qPrintable(f.backend));
        for (const auto &[kind, p99] : f.lists.p99ByKind)
            std::printf(" | %12.2f", p99);
        std::printf("\n");
    }
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption filesOption(QStringLiteral("files"), QStringLiteral("Library size (default 100000)."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption measuredOption(QStringLiteral("measured"), QStringLiteral("Inserts and updates timed (default 10000)."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption listsOption(QStringLiteral("lists"), QStringLiteral("Filtered lists timed (default 3000)."), QStringLiteral("N"), QStringLiteral("3000"));
    const QCommandLineOption noMillion(QStringLiteral("no-million"), QStringLiteral("Skip the million-file check."));
    const QCommandLineOption catalogOption(QStringLiteral("catalog"), QStringLiteral("An existing, empty PostgreSQL database instead of a server of our own."), QStringLiteral("URL"));
    const QCommandLineOption explainOption(QStringLiteral("explain"), QStringLiteral("Print PostgreSQL's plan of each filter kind on the million files."));
    const QCommandLineOption fastOption(QStringLiteral("fast-unsafe"), QStringLiteral("Our PostgreSQL without fsync (not how to run it)."));
    parser.addOptions({filesOption, measuredOption, listsOption, noMillion, catalogOption, fastOption, explainOption});
    parser.process(app);
    const qint64 files = parser.value(filesOption).toLongLong();
    const int measured = qMin<int>(parser.value(measuredOption).toInt(), int(files / 2));
    const int lists = parser.value(listsOption).toInt();

    QList<Figures> all;
    QTemporaryDir dir;
    std::printf("bench_catalog: %lld files, %d timed inserts and updates, %d timed lists (100 per page)\n", files, measured, lists);
    std::fflush(stdout);
    all << run(QStringLiteral("sqlite"), CatalogUrl::sqlite(dir.filePath(QStringLiteral("catalog.sqlite"))), files, measured, lists);

    PostgresServer postgres;
    CatalogUrl pgUrl;
    if (parser.isSet(catalogOption)) {
        auto parsed = CatalogUrl::parse(parser.value(catalogOption));
        if (!parsed) {
            std::fprintf(stderr, "bench_catalog: %s\n", qPrintable(parsed.error().toString()));
            return 2;
        }
        pgUrl = parsed.value();
    } else {
        // A server tuned only as far as a small dedicated database host would be.
        if (!postgres.start({QStringLiteral("shared_buffers = 256MB"), QStringLiteral("work_mem = 16MB")}, !parser.isSet(fastOption))) {
            std::fprintf(stderr, "bench_catalog: PostgreSQL: %s\n", qPrintable(postgres.errorString()));
            printFigures(all);
            return 1;
        }
        pgUrl = CatalogUrl::parse(postgres.createDatabase(QStringLiteral("bench"))).value();
    }
    std::printf("postgresql: %s%s\n", qPrintable(pgUrl.toDisplayString()),
                parser.isSet(catalogOption) ? "" : parser.isSet(fastOption) ? " (fsync off)" : " (fsync on, synchronous_commit on)");
    std::fflush(stdout);
    all << run(QStringLiteral("postgresql"), pgUrl, files, measured, lists);
    printFigures(all);

    if (parser.isSet(noMillion) || !all.last().ok)
        return all.last().ok ? 0 : 1;
    constexpr qint64 kMillion = 1'000'000;
    Catalog catalog;
    if (fail("open", catalog.open(pgUrl, 0)))
        return 1;
    QElapsedTimer grow;
    grow.start();
    if (!growToAMillion(catalog, files, kMillion))
        return 1;
    const ListFigures million = measureLists(catalog, lists, 100);
    const bool pass = million.p99Ms < 50.0;
    std::printf("\npostgresql with %lld files (grown in SQL in %.0f s): %.0f lists/s, p50 %.2f ms, p99 %.2f ms; p99 per filter:",
                kMillion, grow.elapsed() / 1000.0, million.perSecond, million.p50Ms, million.p99Ms);
    for (const auto &[kind, p99] : million.p99ByKind)
        std::printf(" %s %.2f;", qPrintable(kind), p99);
    std::printf("\nfiltered page of 100 under 50 ms at p99 on a million files: %s\n", pass ? "PASS" : "FAIL");
    if (parser.isSet(explainOption))
        explainLists(catalog);
    return pass ? 0 : 1;
}
