#pragma once

#include <QImage>
#include <QWidget>

namespace roomrec {

// Shows the latest preview image of a stream, scaled to fit with its aspect ratio, with a
// caption naming the source (test sources say so).
class VideoPreview : public QWidget {
    Q_OBJECT
public:
    explicit VideoPreview(QWidget *parent = nullptr);

    void setCaption(const QString &caption);
    QString caption() const { return m_caption; }
    qint64 framesShown() const { return m_frames; }
    QSize sizeHint() const override { return {480, 270}; }

public slots:
    void showImage(const QImage &image);
    void clear();

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_image;
    QString m_caption;
    qint64 m_frames = 0;
};

} // namespace roomrec
