#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace roomrec {

// Where to work: "Host on this computer" (embedded server, the default) or "Connect to a
// server" (address, user ID, user signature). Shows the connection state at all times.
class ConnectionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionPanel(QWidget *parent = nullptr);

    bool hostLocally() const;
    QString serverAddress() const;
    QString userId() const;
    QString signature() const;
    bool tls() const;
    void setTls(bool on);
    void setValues(bool hostLocally, const QString &address, const QString &userId, const QString &signature);
    void setState(const QString &text, bool connected);
    void retranslate();

    QRadioButton *hostButton() const { return m_host; }
    QRadioButton *remoteButton() const { return m_remote; }
    QLineEdit *addressEdit() const { return m_address; }
    QLineEdit *userEdit() const { return m_user; }
    QPushButton *connectButton() const { return m_connect; }
    QLabel *stateLabel() const { return m_state; }

signals:
    void connectRequested();
    void disconnectRequested();

private:
    void updateEnabled();

    QRadioButton *m_host;
    QRadioButton *m_remote;
    QLineEdit *m_address;
    QLineEdit *m_user;
    QLineEdit *m_signature;
    QCheckBox *m_tls;
    QPushButton *m_connect;
    QLabel *m_state;
    QLabel *m_addressLabel;
    QLabel *m_userLabel;
    QLabel *m_signatureLabel;
    bool m_connected = false;
};

} // namespace roomrec
