// The Room panel's headphones notice (docs/audio.md): hidden unless the session advises
// headphones (no echo cancellation while others play and the mic is on), and translated.
#include "ui/roompanel.h"
#include "ui/translator.h"

#include <QLabel>
#include <QtTest>

using namespace roomrec;

class TestRoomPanel : public QObject {
    Q_OBJECT
private slots:
    void headphonesNoticeFollowsTheAdvice()
    {
        RoomPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QLabel *notice = panel.headphonesNotice();
        QVERIFY(!notice->isVisible());
        panel.setHeadphonesAdvised(true);
        QVERIFY(notice->isVisible());
        QVERIFY(notice->text().contains(QStringLiteral("headphones")));
        panel.setHeadphonesAdvised(false);
        QVERIFY(!notice->isVisible());
    }

    void headphonesNoticeIsTranslated()
    {
        Translator translator;
        QVERIFY(translator.use(QStringLiteral("zh_CN")));
        RoomPanel panel;
        panel.setHeadphonesAdvised(true);
        QVERIFY(panel.headphonesNotice()->text().contains(QStringLiteral("耳机")));
        QVERIFY(translator.use(QStringLiteral("en")));
        panel.retranslate();
        QVERIFY(panel.headphonesNotice()->text().contains(QStringLiteral("headphones")));
    }
};

QTEST_MAIN(TestRoomPanel)
#include "tst_roompanel.moc"
