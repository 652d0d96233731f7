#include "connectionpanel.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace roomrec {

ConnectionPanel::ConnectionPanel(QWidget *parent) : QWidget(parent)
{
    m_host = new QRadioButton(this);
    m_remote = new QRadioButton(this);
    m_host->setChecked(true);
    m_address = new QLineEdit(this);
    m_user = new QLineEdit(this);
    m_signature = new QLineEdit(this);
    m_signature->setEchoMode(QLineEdit::Password);
    m_tls = new QCheckBox(this);
    m_connect = new QPushButton(this);
    m_state = new QLabel(this);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_addressLabel = new QLabel(this);
    m_userLabel = new QLabel(this);
    m_signatureLabel = new QLabel(this);
    auto *form = new QFormLayout;
    form->addRow(m_addressLabel, m_address);
    form->addRow(m_userLabel, m_user);
    form->addRow(m_signatureLabel, m_signature);
    form->addRow(QString(), m_tls);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_host);
    layout->addWidget(m_remote);
    layout->addLayout(form);
    layout->addWidget(m_connect);
    layout->addWidget(m_state);
    connect(m_host, &QRadioButton::toggled, this, &ConnectionPanel::updateEnabled);
    connect(m_connect, &QPushButton::clicked, this, [this] {
        if (m_connected)
            emit disconnectRequested();
        else
            emit connectRequested();
    });
    retranslate();
}

void ConnectionPanel::retranslate()
{
    m_host->setText(tr("Host on this computer"));
    m_host->setToolTip(tr("Run a room server inside this app: no set-up, recordings stay on this computer"));
    m_remote->setText(tr("Connect to a server"));
    m_addressLabel->setText(tr("Server"));
    m_address->setPlaceholderText(tr("host:7707"));
    m_address->setAccessibleName(tr("Server address"));
    m_userLabel->setText(tr("User ID"));
    m_user->setAccessibleName(tr("User ID"));
    m_user->setToolTip(tr("1-64 letters, digits, '_', '-', '.', '@'"));
    m_signatureLabel->setText(tr("Signature"));
    m_signature->setAccessibleName(tr("User signature"));
    m_signature->setToolTip(tr("The user signature the server's operator gave you (roomrec-cli sign)"));
    m_state->setAccessibleName(tr("Connection state"));
    m_tls->setText(tr("Encrypted (TLS)"));
    m_tls->setToolTip(tr("Use when the server was started with --tls-cert"));
    updateEnabled();
}

bool ConnectionPanel::hostLocally() const { return m_host->isChecked(); }
QString ConnectionPanel::serverAddress() const { return m_address->text().trimmed(); }
QString ConnectionPanel::userId() const { return m_user->text().trimmed(); }
QString ConnectionPanel::signature() const { return m_signature->text().trimmed(); }
bool ConnectionPanel::tls() const { return m_tls->isChecked(); }
void ConnectionPanel::setTls(bool on) { m_tls->setChecked(on); }

void ConnectionPanel::setValues(bool hostLocally, const QString &address, const QString &userId, const QString &signature)
{
    (hostLocally ? m_host : m_remote)->setChecked(true);
    m_address->setText(address);
    m_user->setText(userId);
    m_signature->setText(signature);
    updateEnabled();
}

void ConnectionPanel::setState(const QString &text, bool connected)
{
    m_state->setText(text);
    m_connected = connected;
    updateEnabled();
}

void ConnectionPanel::updateEnabled()
{
    const bool remote = m_remote->isChecked();
    for (QWidget *w : std::initializer_list<QWidget *>{m_address, m_signature, m_addressLabel, m_signatureLabel, m_tls})
        w->setEnabled(remote && !m_connected);
    for (QWidget *w : std::initializer_list<QWidget *>{m_host, m_remote, m_user})
        w->setEnabled(!m_connected);
    m_connect->setText(m_connected ? tr("Disconnect") : (remote ? tr("Connect") : tr("Start hosting")));
}

} // namespace roomrec
