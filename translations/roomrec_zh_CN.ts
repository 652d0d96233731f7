<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ErrorCode</name>
    <message>
        <source>Unknown error.</source>
        <translation>未知错误。</translation>
    </message>
</context>
<context>
    <name>ErrorHint</name>
    <message>
        <source>Check the server address and that the server is running, or choose Host on this computer.</source>
        <translation>请检查服务器地址并确认服务器正在运行，或选择“在本机主持”。</translation>
    </message>
    <message>
        <source>Check the network, then connect again. Recordings on the server keep running for a minute.</source>
        <translation>请检查网络后重新连接。服务器上的录制会继续运行一分钟。</translation>
    </message>
    <message>
        <source>Ask the server&apos;s operator for a new user signature.</source>
        <translation>请向服务器管理员索取新的用户签名。</translation>
    </message>
    <message>
        <source>Ask the server&apos;s operator for a signature with this privilege.</source>
        <translation>请向服务器管理员索取具有此权限的签名。</translation>
    </message>
    <message>
        <source>Use up to 100 characters without / \ : * ? &quot; &lt; &gt; |.</source>
        <translation>请使用不超过 100 个字符，且不要包含 / \ : * ? &quot; &lt; &gt; |。</translation>
    </message>
    <message>
        <source>Use at most 10 tags of up to 32 characters, without commas.</source>
        <translation>最多使用 10 个标签，每个标签不超过 32 个字符，且不要包含逗号。</translation>
    </message>
    <message>
        <source>Only one recording per user: stop the running one first.</source>
        <translation>每个用户只能同时进行一个录制，请先停止正在进行的录制。</translation>
    </message>
    <message>
        <source>Record in a multi-party room instead.</source>
        <translation>请改在多人房间中录制。</translation>
    </message>
    <message>
        <source>Delete old recordings or ask for a larger quota.</source>
        <translation>请删除旧的录制文件，或申请更大的配额。</translation>
    </message>
    <message>
        <source>Turn on Publish for the stream you want to record.</source>
        <translation>请为要录制的流开启“发布”。</translation>
    </message>
    <message>
        <source>Join a room first.</source>
        <translation>请先加入一个房间。</translation>
    </message>
    <message>
        <source>This one-on-one room is full; pick another room ID.</source>
        <translation>此一对一房间已满，请选择其他房间 ID。</translation>
    </message>
    <message>
        <source>Pick another source; the test pattern always works.</source>
        <translation>请选择其他源；测试图案始终可用。</translation>
    </message>
    <message>
        <source>Free some disk space; what was recorded so far is kept.</source>
        <translation>请释放一些磁盘空间；已录制的内容会被保留。</translation>
    </message>
</context>
<context>
    <name>PublishedStream</name>
    <message>
        <source>no camera &apos;%1&apos;</source>
        <translation>没有摄像头“%1”</translation>
    </message>
    <message>
        <source>Test pattern (no camera)</source>
        <translation>测试图案（无摄像头）</translation>
    </message>
    <message>
        <source>Test pattern</source>
        <translation>测试图案</translation>
    </message>
    <message>
        <source>no screen to grab</source>
        <translation>没有可捕获的屏幕</translation>
    </message>
    <message>
        <source>unknown screen source &apos;%1&apos;</source>
        <translation>未知的屏幕源“%1”</translation>
    </message>
    <message>
        <source>Test pattern (no screen capture)</source>
        <translation>测试图案（无屏幕捕获）</translation>
    </message>
    <message>
        <source>no microphone &apos;%1&apos;</source>
        <translation>没有麦克风“%1”</translation>
    </message>
    <message>
        <source>Screen (%1)</source>
        <translation>屏幕（%1）</translation>
    </message>
    <message>
        <source>Screen (Qt screen grab)</source>
        <translation>屏幕（Qt 屏幕捕获）</translation>
    </message>
    <message>
        <source>Test tone</source>
        <translation>测试音</translation>
    </message>
    <message>
        <source>No audio</source>
        <translation>无音频</translation>
    </message>
</context>
<context>
    <name>roomrec::AboutDialog</name>
    <message>
        <source>FFmpeg licence: %1</source>
        <translation>FFmpeg 许可证：%1</translation>
    </message>
    <message>
        <source>About RoomRec</source>
        <translation>关于 RoomRec</translation>
    </message>
    <message>
        <source>Hosts live audio/video rooms and records them to MP4.</source>
        <translation>主持实时音视频房间并将其录制为 MP4。</translation>
    </message>
    <message>
        <source>RoomRec is free software: you can redistribute it and/or modify it under the terms of the GNU General Public License, version 3 or (at your option) any later version.</source>
        <translation>RoomRec 是自由软件：您可以依据 GNU 通用公共许可证第 3 版或（由您选择）任何更高版本的条款重新发布和/或修改它。</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>关于 Qt</translation>
    </message>
    <message>
        <source>Third-party software:</source>
        <translation>第三方软件：</translation>
    </message>
</context>
<context>
    <name>roomrec::AudioPlayout</name>
    <message>
        <source>Test sink (no speakers)</source>
        <translation>测试输出（无扬声器）</translation>
    </message>
</context>
<context>
    <name>roomrec::CameraSource</name>
    <message>
        <source>camera disconnected</source>
        <translation>摄像头已断开连接</translation>
    </message>
</context>
<context>
    <name>roomrec::ConnectionPanel</name>
    <message>
        <source>Host on this computer</source>
        <translation>在本机主持</translation>
    </message>
    <message>
        <source>Run a room server inside this app: no set-up, recordings stay on this computer</source>
        <translation>在本应用内运行房间服务器：无需设置，录制文件保存在本机</translation>
    </message>
    <message>
        <source>Connect to a server</source>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>host:7707</source>
        <translation>主机:7707</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>User ID</source>
        <translation>用户 ID</translation>
    </message>
    <message>
        <source>1-64 letters, digits, &apos;_&apos;, &apos;-&apos;, &apos;.&apos;, &apos;@&apos;</source>
        <translation>1-64 个字母、数字、&apos;_&apos;、&apos;-&apos;、&apos;.&apos;、&apos;@&apos;</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>User signature</source>
        <translation>用户签名</translation>
    </message>
    <message>
        <source>The user signature the server&apos;s operator gave you (roomrec-cli sign)</source>
        <translation>服务器管理员提供给您的用户签名（roomrec-cli sign）</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>连接状态</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Start hosting</source>
        <translation>开始主持</translation>
    </message>
    <message>
        <source>Encrypted (TLS)</source>
        <translation>加密连接（TLS）</translation>
    </message>
    <message>
        <source>Use when the server was started with --tls-cert</source>
        <translation>当服务器以 --tls-cert 启动时使用</translation>
    </message>
</context>
<context>
    <name>roomrec::DeviceScreenSource</name>
    <message>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>Screen region %1x%2+%3+%4</source>
        <translation>屏幕区域 %1x%2+%3+%4</translation>
    </message>
</context>
<context>
    <name>roomrec::FileListWidget</name>
    <message>
        <source>File ID</source>
        <translation>文件 ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Recorded files</source>
        <translation>已录制的文件</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>recovered after a crash</source>
        <translation>崩溃后已恢复</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
</context>
<context>
    <name>roomrec::LibraryPanel</name>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Filter by file name</source>
        <translation>按文件名筛选</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Filter by tag</source>
        <translation>按标签筛选</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Filter by category</source>
        <translation>按分类筛选</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Search the library with these filters (Enter)</source>
        <translation>使用这些筛选条件搜索媒体库 (Enter)</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play the selected file (when it is on this computer)</source>
        <translation>播放所选文件（文件位于本机时）</translation>
    </message>
    <message>
        <source>Copy file ID</source>
        <translation>复制文件 ID</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>roomrec::MainWindow</name>
    <message>
        <source>Recording %1 as “%2”</source>
        <translation>正在录制 %1，文件名“%2”</translation>
    </message>
    <message>
        <source>recording of %1 ended (%2)</source>
        <translation>%1 的录制已结束（%2）</translation>
    </message>
    <message>
        <source>ended by the server (%1)</source>
        <translation>已被服务器结束（%1）</translation>
    </message>
    <message>
        <source>Copied file ID %1</source>
        <translation>已复制文件 ID %1</translation>
    </message>
    <message>
        <source>RoomRec</source>
        <translation>RoomRec</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>媒体库</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <source>Copy file ID</source>
        <translation>复制文件 ID</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play the selected file in RoomRec</source>
        <translation>在 RoomRec 中播放所选文件</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Error %1: %2</source>
        <translation>错误 %1：%2</translation>
    </message>
    <message>
        <source>Error %1: %2 — %3</source>
        <translation>错误 %1：%2 — %3</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接到 %1…</translation>
    </message>
    <message>
        <source>Connected to %1 as %2</source>
        <translation>已以 %2 的身份连接到 %1</translation>
    </message>
    <message>
        <source>In room %1 on %2 as %3</source>
        <translation>已以 %3 的身份进入 %2 上的房间 %1</translation>
    </message>
    <message>
        <source>this computer (port %1)</source>
        <translation>本机（端口 %1）</translation>
    </message>
    <message>
        <source>In room %1</source>
        <translation>已进入房间 %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 fps captured · %2 fps encoded · %3 kbit/s · %4 dropped · %5 ms/frame</source>
        <translation>采集 %1 fps · 编码 %2 fps · %3 kbit/s · 丢弃 %4 · %5 ms/帧</translation>
    </message>
    <message>
        <source>Recording “%1”</source>
        <translation>正在录制“%1”</translation>
    </message>
    <message numerus="yes">
        <source>Recorded %n file(s): %1</source>
        <translation>
            <numerusform>已录制 %n 个文件：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is on the server, not on this computer</source>
        <translation>%1 位于服务器上，不在本机</translation>
    </message>
    <message>
        <source>Recording in progress</source>
        <translation>正在录制</translation>
    </message>
    <message>
        <source>A recording is running. Stop it, keep its files and quit?</source>
        <translation>录制正在进行。要停止录制、保留其文件并退出吗？</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Encoder preset</source>
        <translation>编码预设(&amp;E)</translation>
    </message>
    <message>
        <source>libx264 speed/quality trade-off: faster presets use less CPU</source>
        <translation>libx264 速度与画质的取舍：越快的预设占用 CPU 越少</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About RoomRec</source>
        <translation>关于 RoomRec(&amp;A)</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>正在关闭…</translation>
    </message>
    <message>
        <source>Starting the server on this computer…</source>
        <translation>正在本机启动服务器…</translation>
    </message>
    <message>
        <source>Stopping the server on this computer…</source>
        <translation>正在停止本机服务器…</translation>
    </message>
    <message>
        <source>Connection lost: reconnecting to %1…</source>
        <translation>连接已断开：正在重新连接到 %1…</translation>
    </message>
    <message>
        <source>Reconnected: the recording goes on in the same file</source>
        <translation>已重新连接：录制在同一个文件中继续</translation>
    </message>
    <message>
        <source>Reconnected</source>
        <translation>已重新连接</translation>
    </message>
    <message>
        <source>Could not reconnect: %1</source>
        <translation>无法重新连接：%1</translation>
    </message>
</context>
<context>
    <name>roomrec::MemberTile</name>
    <message>
        <source>%1 (you)</source>
        <translation>%1（你）</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
</context>
<context>
    <name>roomrec::MemberTileGrid</name>
    <message>
        <source>Not in a room: members appear here once you join one.</source>
        <translation>未在房间中：加入房间后成员会显示在这里。</translation>
    </message>
</context>
<context>
    <name>roomrec::PlayerWindow</name>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <source>RoomRec player — %1</source>
        <translation>RoomRec 播放器 — %1</translation>
    </message>
</context>
<context>
    <name>roomrec::RecordPanel</name>
    <message>
        <source>Record</source>
        <translation>录制</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>What to record</source>
        <translation>录制内容</translation>
    </message>
    <message>
        <source>Name of the recorded file, without suffix. Hour-long parts share it.</source>
        <translation>录制文件的名称，不含后缀。每小时分段的文件共用此名称。</translation>
    </message>
    <message>
        <source>Named category</source>
        <translation>已命名的分类</translation>
    </message>
    <message>
        <source>Category (class ID)</source>
        <translation>分类（分类 ID）</translation>
    </message>
    <message>
        <source>The category&apos;s number (class ID) stored with the file</source>
        <translation>随文件保存的分类编号（分类 ID）</translation>
    </message>
    <message>
        <source>Name…</source>
        <translation>命名…</translation>
    </message>
    <message>
        <source>Give this class ID a name you can pick next time</source>
        <translation>为此分类 ID 命名，以便下次直接选择</translation>
    </message>
    <message>
        <source>Transcode</source>
        <translation>转码</translation>
    </message>
    <message>
        <source>Ask the server for extra renditions</source>
        <translation>请求服务器生成其他规格的版本</translation>
    </message>
    <message>
        <source>Screenshots</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Ask the server for a cover image and thumbnails</source>
        <translation>请求服务器生成封面图和缩略图</translation>
    </message>
    <message>
        <source>Watermark</source>
        <translation>水印</translation>
    </message>
    <message>
        <source>Ask the server to add a watermark</source>
        <translation>请求服务器添加水印</translation>
    </message>
    <message>
        <source>Start or stop recording</source>
        <translation>开始或停止录制</translation>
    </message>
    <message>
        <source>Elapsed recording time</source>
        <translation>已录制时长</translation>
    </message>
    <message>
        <source>Live statistics</source>
        <translation>实时统计</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>Name category</source>
        <translation>命名分类</translation>
    </message>
    <message>
        <source>Name for class ID %1:</source>
        <translation>分类 ID %1 的名称：</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop recording (Ctrl+R)</source>
        <translation>停止录制 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Start recording (Ctrl+R)</source>
        <translation>开始录制 (Ctrl+R)</translation>
    </message>
</context>
<context>
    <name>roomrec::RecordTargetModel</name>
    <message>
        <source>My screen share (sub-stream)</source>
        <translation>我的屏幕共享（辅流）</translation>
    </message>
    <message>
        <source>My camera</source>
        <translation>我的摄像头</translation>
    </message>
    <message>
        <source>%1 — screen share</source>
        <translation>%1 — 屏幕共享</translation>
    </message>
    <message>
        <source>%1 — camera</source>
        <translation>%1 — 摄像头</translation>
    </message>
    <message>
        <source>Records what %1 publishes; the file is theirs (admin privilege)</source>
        <translation>录制 %1 发布的内容；文件归其所有（管理员权限）</translation>
    </message>
</context>
<context>
    <name>roomrec::RoomControls</name>
    <message>
        <source>Mute mic</source>
        <translation>关闭麦克风</translation>
    </message>
    <message>
        <source>Unmute mic</source>
        <translation>打开麦克风</translation>
    </message>
    <message>
        <source>Turn the microphone off: it is closed and the room sees you muted</source>
        <translation>关闭麦克风：麦克风将停止采集，房间内其他成员会看到您已静音</translation>
    </message>
    <message>
        <source>Turn the microphone on again</source>
        <translation>重新打开麦克风</translation>
    </message>
    <message>
        <source>Stop camera</source>
        <translation>关闭摄像头</translation>
    </message>
    <message>
        <source>Start camera</source>
        <translation>打开摄像头</translation>
    </message>
    <message>
        <source>Turn the camera off: it is closed and the room sees your avatar</source>
        <translation>关闭摄像头：摄像头将停止采集，房间内其他成员会看到您的头像</translation>
    </message>
    <message>
        <source>Turn the camera on again</source>
        <translation>重新打开摄像头</translation>
    </message>
    <message>
        <source>Stop sharing</source>
        <translation>停止共享</translation>
    </message>
    <message>
        <source>Share screen</source>
        <translation>共享屏幕</translation>
    </message>
    <message>
        <source>Send the screen share to the room</source>
        <translation>将屏幕共享发送到房间</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>离开</translation>
    </message>
    <message>
        <source>Leave the room (a recording of yours is stopped and kept)</source>
        <translation>离开房间（您的录制会停止并保留）</translation>
    </message>
</context>
<context>
    <name>roomrec::RoomPanel</name>
    <message>
        <source>camera off</source>
        <translation>摄像头已关闭</translation>
    </message>
    <message>
        <source>Group ID</source>
        <translation>群组 ID</translation>
    </message>
    <message>
        <source>Room ID</source>
        <translation>房间 ID</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>The group (relation) ID the room belongs to</source>
        <translation>房间所属的群组 ID</translation>
    </message>
    <message>
        <source>Multi-party room</source>
        <translation>多人房间</translation>
    </message>
    <message>
        <source>Use headphones: others are heard through your speakers while your microphone is on, and this build cannot cancel the echo, so they would hear themselves.</source>
        <translation>请使用耳机：您的麦克风开着，其他成员的声音正从扬声器播放，而此版本无法消除回声，他们会听到自己的声音。</translation>
    </message>
    <message>
        <source>One-on-one call (cannot be recorded)</source>
        <translation>一对一通话（无法录制）</translation>
    </message>
    <message>
        <source>Room kind</source>
        <translation>房间类型</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>Join this room, creating it if nobody is in it</source>
        <translation>加入此房间；如果房间中没有人，则创建该房间</translation>
    </message>
    <message>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>mic muted</source>
        <translation>麦克风已静音</translation>
    </message>
    <message>
        <source>mic</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>%1 (you)</source>
        <translation>%1（你）</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>roomrec::ScreenGrabSource</name>
    <message>
        <source>Screen %1 (Qt screen grab)</source>
        <translation>屏幕 %1（Qt 屏幕捕获）</translation>
    </message>
    <message>
        <source>the screen could not be grabbed</source>
        <translation>无法捕获屏幕</translation>
    </message>
</context>
<context>
    <name>roomrec::StreamPanel</name>
    <message>
        <source>%1 (test source)</source>
        <translation>%1（测试源）</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Screen share (sub-stream)</source>
        <translation>屏幕共享（辅流）</translation>
    </message>
    <message>
        <source>Screen share preview</source>
        <translation>屏幕共享预览</translation>
    </message>
    <message>
        <source>Automatic (first camera, else test pattern)</source>
        <translation>自动（优先使用第一个摄像头，否则使用测试图案）</translation>
    </message>
    <message>
        <source>Automatic (screen capture, else test pattern)</source>
        <translation>自动（优先使用屏幕捕获，否则使用测试图案）</translation>
    </message>
    <message>
        <source>Camera source</source>
        <translation>摄像头源</translation>
    </message>
    <message>
        <source>Screen source</source>
        <translation>屏幕源</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <source>Send the camera (and microphone) to the room</source>
        <translation>将摄像头（及麦克风）发送到房间</translation>
    </message>
    <message>
        <source>whole screen</source>
        <translation>整个屏幕</translation>
    </message>
    <message>
        <source>Screen region</source>
        <translation>屏幕区域</translation>
    </message>
    <message>
        <source>Share only part of the screen: WIDTHxHEIGHT+X+Y, e.g. 1280x720+0+0</source>
        <translation>只共享屏幕的一部分：宽x高+X+Y，例如 1280x720+0+0</translation>
    </message>
    <message>
        <source>Camera format</source>
        <translation>摄像头格式</translation>
    </message>
    <message>
        <source>Size and frame rate, from what the camera offers</source>
        <translation>分辨率和帧率，从摄像头支持的格式中选择</translation>
    </message>
</context>
<context>
    <name>roomrec::TagEditor</name>
    <message>
        <source>New tag</source>
        <translation>新标签</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add the tag (up to 10 tags)</source>
        <translation>添加标签（最多 10 个标签）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the selected tags</source>
        <translation>移除所选标签</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Type a tag and press Enter; separate several with commas</source>
        <translation>输入标签后按回车；多个标签用逗号分隔</translation>
    </message>
</context>
<context>
    <name>roomrec::TestToneSource</name>
    <message>
        <source>Test tone (no microphone)</source>
        <translation>测试音（无麦克风）</translation>
    </message>
</context>
<context>
    <name>roomrec::VideoPreview</name>
    <message>
        <source>No picture yet</source>
        <translation>暂无画面</translation>
    </message>
</context>
</TS>
