// GopCache: what a late subscriber is sent first is always decodable (starts with a key
// frame) and bounded, and shares the publisher's payloads instead of copying them.
#include "server/gopcache.h"

#include <QtTest>

using namespace roomrec;

namespace {
OutgoingPacket packet(bool key, int bytes, qint64 dts)
{
    MediaPacket p;
    p.key = key;
    p.dtsUs = p.ptsUs = dts;
    p.data = QByteArray(bytes, key ? 'k' : 'p');
    return OutgoingPacket{QByteArray("h"), p};
}
} // namespace

class TestGopCache : public QObject {
    Q_OBJECT
private slots:
    void startsAtKeyFrame_data()
    {
        QTest::addColumn<QString>("pattern"); // k = key frame, p = predicted frame
        QTest::addColumn<int>("cached");
        QTest::newRow("nothing before a key") << QStringLiteral("ppp") << 0;
        QTest::newRow("key and after") << QStringLiteral("pkpp") << 3;
        QTest::newRow("a new key starts over") << QStringLiteral("kppkp") << 2;
        QTest::newRow("key alone") << QStringLiteral("k") << 1;
    }
    void startsAtKeyFrame()
    {
        QFETCH(QString, pattern);
        QFETCH(int, cached);
        GopCache cache;
        qint64 dts = 0;
        for (QChar c : pattern)
            cache.add(packet(c == QLatin1Char('k'), 100, dts += 33'000));
        QCOMPARE(cache.packets().size(), cached);
        if (cached)
            QVERIFY(cache.packets().first().packet.key);
        QCOMPARE(cache.bytes(), qint64(cached) * 100);
    }

    void boundedByPacketsAndBytes()
    {
        GopCache cache;
        cache.add(packet(true, 10, 0));
        for (int i = 1; i < GopCache::kMaxPackets; ++i)
            cache.add(packet(false, 10, i));
        QCOMPARE(cache.packets().size(), GopCache::kMaxPackets);
        cache.add(packet(false, 10, GopCache::kMaxPackets)); // one too many: nothing decodable kept
        QCOMPARE(cache.packets().size(), 0);
        cache.add(packet(false, 10, GopCache::kMaxPackets + 1));
        QCOMPARE(cache.packets().size(), 0); // waits for the next key frame

        cache.add(packet(true, int(GopCache::kMaxBytes / 2), 1'000'000));
        cache.add(packet(false, int(GopCache::kMaxBytes / 2) + 1, 1'033'000));
        QCOMPARE(cache.packets().size(), 0);
    }

    void sharesPayloads()
    {
        GopCache cache;
        const OutgoingPacket key = packet(true, 4096, 0);
        cache.add(key);
        QCOMPARE(cache.packets().first().packet.data.constData(), key.packet.data.constData());
    }
};

QTEST_MAIN(TestGopCache)
#include "tst_gopcache.moc"
