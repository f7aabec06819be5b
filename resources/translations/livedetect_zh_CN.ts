<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="33"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="34"/>
        <source>&amp;Check</source>
        <translation>检测(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="35"/>
        <source>&amp;Decide</source>
        <translation>决定(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="36"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="37"/>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="38"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="42"/>
        <source>&amp;Open photos…</source>
        <translation>打开照片…(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="44"/>
        <source>&amp;Paste image</source>
        <translation>粘贴图片(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="46"/>
        <source>Add image &amp;URL</source>
        <translation>添加图片 &amp;URL</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="48"/>
        <source>&amp;Export history…</source>
        <translation>导出历史记录…(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="50"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="52"/>
        <source>Run &amp;selected</source>
        <translation>检测所选(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="54"/>
        <source>Run &amp;all</source>
        <translation>全部检测(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="57"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="59"/>
        <source>&amp;Retry failed</source>
        <translation>重试失败项(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="63"/>
        <source>Check a&amp;gain (billed)…</source>
        <translation>重新检测（计费）(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="65"/>
        <source>Send a&amp;nyway</source>
        <translation>仍然发送(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="67"/>
        <source>Crop to the &amp;face</source>
        <translation>裁剪到人脸(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="69"/>
        <source>Re&amp;move from queue</source>
        <translation>从队列移除(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="71"/>
        <source>C&amp;lear finished</source>
        <translation>清除已完成(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="74"/>
        <source>&amp;Accept</source>
        <translation>接受(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="76"/>
        <source>&amp;Reject</source>
        <translation>拒绝(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="78"/>
        <source>&amp;Escalate</source>
        <translation>上报(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="80"/>
        <source>Decide the selected as &amp;judged</source>
        <translation>按机器结论决定所选(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="82"/>
        <source>&amp;Undo my last decision</source>
        <translation>撤回我的上一个决定(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="84"/>
        <source>A&amp;pprove (four eyes)</source>
        <translation>批准（四眼复核）(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="86"/>
        <source>Re&amp;fuse (four eyes)</source>
        <translation>驳回（四眼复核）(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="88"/>
        <source>&amp;Next photo to decide</source>
        <translation>下一张待决定的照片(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="90"/>
        <source>Set the &amp;case for the next photos</source>
        <translation>设置后续照片的案件(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="92"/>
        <source>Show photo &amp;large</source>
        <translation>放大查看照片(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="94"/>
        <source>&amp;Queue</source>
        <translation>队列(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="96"/>
        <source>&amp;Worklist</source>
        <translation>待办清单(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="98"/>
        <source>&amp;History</source>
        <translation>历史记录(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="100"/>
        <source>C&amp;ase</source>
        <translation>案件(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="102"/>
        <source>&amp;Capture panel</source>
        <translation>拍摄面板(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="104"/>
        <source>&amp;Credentials…</source>
        <translation>凭据…(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="107"/>
        <source>Change &amp;operator…</source>
        <translation>更换操作员(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="109"/>
        <source>&amp;Settings…</source>
        <translation>设置…(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="111"/>
        <source>&amp;Keyboard shortcuts and quick guide</source>
        <translation>快捷键与快速指南(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/actions.py" line="113"/>
        <source>&amp;About LiveDetect Desk</source>
        <translation>关于 LiveDetect 活体检测台(&amp;A)</translation>
    </message>
</context>
<context>
    <name>Backend</name>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="13"/>
        <source>API 3.0</source>
        <translation>API 3.0</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="14"/>
        <source>Legacy API</source>
        <translation>旧版 API</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="20"/>
        <source>API 3.0 (DetectLiveFaceAccurate)</source>
        <translation>API 3.0（DetectLiveFaceAccurate）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="21"/>
        <source>Legacy API (livedetectpicture)</source>
        <translation>旧版 API（livedetectpicture）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="27"/>
        <source>Beijing</source>
        <translation>北京</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="28"/>
        <source>Chengdu</source>
        <translation>成都</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="29"/>
        <source>Chongqing</source>
        <translation>重庆</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="30"/>
        <source>Guangzhou</source>
        <translation>广州</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="31"/>
        <source>Nanjing</source>
        <translation>南京</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="32"/>
        <source>Shanghai</source>
        <translation>上海</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/common/backends.py" line="33"/>
        <source>Singapore</source>
        <translation>新加坡</translation>
    </message>
</context>
<context>
    <name>BillingControls</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="83"/>
        <source>Check again?</source>
        <translation>重新检测？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="84"/>
        <source>Checking again sends %n photo(s) to the service once more, even those judged before, and every check is billed.</source>
        <translation>
            <numerusform>重新检测会把 %n 张照片再次发送给服务（包括已判定过的），每次检测都会计费。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="86"/>
        <source>Check again (billed)</source>
        <translation>重新检测（计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="96"/>
        <source>Retry?</source>
        <translation>重试？</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="97"/>
        <source>%n photo(s) may already have been billed (the service may have processed a request whose answer was lost). Retrying sends them again, and every check is billed.</source>
        <translation>
            <numerusform>%n 张照片可能已被计费（服务可能已处理了应答丢失的请求）。重试会再次发送，每次检测都会计费。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="100"/>
        <source>Retry (billed)</source>
        <translation>重试（计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="139"/>
        <source>Crop to the face needs a photo with exactly one face found.</source>
        <translation>只有检测到恰好一张人脸的照片才能裁剪到人脸。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="157"/>
        <source>Close while checking?</source>
        <translation>检测进行中，确定关闭？</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="158"/>
        <source>Checks are in flight. Closing waits for the photos already sent (they are billed and recorded); the photos not yet sent stay in the queue for next time.</source>
        <translation>有检测正在进行。关闭时会等待已发送的照片完成（它们已计费并会被记录）；尚未发送的照片保留在队列中，下次继续。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/billing_controls.py" line="162"/>
        <source>Close anyway</source>
        <translation>仍然关闭</translation>
    </message>
</context>
<context>
    <name>CaptureDock</name>
    <message>
        <location filename="../../livedetect_gui/ui/capture/dock.py" line="81"/>
        <source>Capture</source>
        <translation>拍摄</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/dock.py" line="85"/>
        <source>Camera support is unavailable here (%1).</source>
        <translation>此处无法使用摄像头功能（%1）。</translation>
    </message>
</context>
<context>
    <name>CapturePanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="193"/>
        <source>Ca&amp;mera</source>
        <translation>摄像头(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="195"/>
        <source>Co&amp;untdown</source>
        <translation>倒计时(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="198"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="198"/>
        <source>3 s</source>
        <translation>3 秒</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="198"/>
        <source>5 s</source>
        <translation>5 秒</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="201"/>
        <source>Mirror preview</source>
        <translation>镜像预览</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="202"/>
        <source>Mirror saved photo</source>
        <translation>镜像保存的照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="203"/>
        <source>Capture and check</source>
        <translation>拍摄并检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="205"/>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="207"/>
        <source>Capture a photo</source>
        <translation>拍摄照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="208"/>
        <source>Retake</source>
        <translation>重拍</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="209"/>
        <source>Check anyway</source>
        <translation>仍然检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="210"/>
        <source>Live camera preview</source>
        <translation>摄像头实时预览</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="473"/>
        <source>No camera found. Plug one in: the list updates by itself.</source>
        <translation>未找到摄像头。请接入摄像头：列表会自动更新。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="474"/>
        <source>Camera access was denied. Allow it for LiveDetect Desk in the system&apos;s privacy settings.</source>
        <translation>摄像头访问被拒绝。请在系统隐私设置中允许 LiveDetect 活体检测台使用摄像头。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="476"/>
        <source>The camera reported a problem: %1. If another program uses it, close that program and try again.</source>
        <translation>摄像头报告了问题：%1。如有其他程序正在使用摄像头，请关闭该程序后重试。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="478"/>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="479"/>
        <source>The camera was disconnected.</source>
        <translation>摄像头已断开连接。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="480"/>
        <source>No picture from the camera yet.</source>
        <translation>尚未收到摄像头画面。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="481"/>
        <source>The camera frame could not be read; try again.</source>
        <translation>无法读取摄像头画面，请重试。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="482"/>
        <source>The photo could not be saved: %1</source>
        <translation>无法保存照片：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="483"/>
        <source>Captured %1</source>
        <translation>已拍摄 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="405"/>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="194"/>
        <source>Resolut&amp;ion</source>
        <translation>分辨率(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="204"/>
        <source>Capture</source>
        <translation>拍摄</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="412"/>
        <location filename="../../livedetect_gui/ui/capture/panel.py" line="432"/>
        <source>Checking…</source>
        <translation>检测中…</translation>
    </message>
</context>
<context>
    <name>CaseField</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="72"/>
        <source>Case:</source>
        <translation>案件：</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="73"/>
        <source>scan or type, Enter</source>
        <translation>扫描或输入后按回车</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="74"/>
        <source>The case/applicant reference of the next photos (Ctrl+Shift+K)</source>
        <translation>后续照片的案件/申请人编号（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="76"/>
        <source>Case for the next photos</source>
        <translation>后续照片的案件</translation>
    </message>
</context>
<context>
    <name>CaseModel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="54"/>
        <source>Checked</source>
        <translation>检测时间</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="54"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="54"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="54"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="55"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="55"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="127"/>
        <source>The case could not be read: %1</source>
        <translation>无法读取案件：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="132"/>
        <source>Case / app&amp;licant:</source>
        <translation>案件/申请人(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="133"/>
        <source>Type or scan a reference, then Enter</source>
        <translation>输入或扫描编号，然后按回车</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="134"/>
        <source>The case&apos;s checks</source>
        <translation>案件的检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="156"/>
        <source>checked: %1</source>
        <translation>已检测：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="176"/>
        <source>Type or scan a case/applicant reference to see its photos, checks and decisions.</source>
        <translation>输入或扫描案件/申请人编号，查看其照片、检测和决定。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="181"/>
        <source>Case %1: no checks yet.</source>
        <translation>案件 %1：尚无检测。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="184"/>
        <source>✔ Case %1 is complete: %2 photo(s), every check decided.</source>
        <translation>✔ 案件 %1 已完成：%2 张照片，每项检测均已决定。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/case_view.py" line="189"/>
        <source>Case %1 is not complete: %2 of %3 check(s) still need a decision.</source>
        <translation>案件 %1 未完成：%3 项检测中仍有 %2 项待决定。</translation>
    </message>
</context>
<context>
    <name>CostDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/cost.py" line="12"/>
        <source>Run this batch?</source>
        <translation>运行这批检测？</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/cost.py" line="13"/>
        <source>This batch will cost:</source>
        <translation>这批检测的费用：</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/cost.py" line="21"/>
        <source>Every call to the service is billed. Photos judged before are reused, refused ones are never sent, held ones wait for Send anyway.</source>
        <translation>每次调用服务都会计费。已判定过的照片复用原结果，被拒绝的照片不会发送，被暂缓的照片等待“仍然发送”。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/cost.py" line="26"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
</context>
<context>
    <name>CredentialsDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="64"/>
        <source>Credentials</source>
        <translation>凭据</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="77"/>
        <source>Profile name</source>
        <translation>配置名称</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="90"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="96"/>
        <source>optional; this API needs none</source>
        <translation>可选；此接口不需要</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="112"/>
        <source>AppID</source>
        <translation>AppID</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="112"/>
        <source>Secret ID</source>
        <translation>Secret ID</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="113"/>
        <source>Secret key</source>
        <translation>Secret Key</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="114"/>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="114"/>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="115"/>
        <source>Region</source>
        <translation>地域</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="116"/>
        <source>Endpoint</source>
        <translation>接入地址</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="117"/>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="213"/>
        <source>Custom address</source>
        <translation>自定义地址</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="125"/>
        <source>&amp;Profile</source>
        <translation>配置(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="126"/>
        <source>Ser&amp;vice</source>
        <translation>服务(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="171"/>
        <source>Use for this session &amp;only</source>
        <translation>仅本次会话使用(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="127"/>
        <source>&amp;AppID</source>
        <translation>&amp;AppID</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="128"/>
        <source>Secret &amp;ID</source>
        <translation>Secret &amp;ID</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="130"/>
        <source>Secret &amp;key</source>
        <translation>Secret &amp;Key</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="133"/>
        <source>&amp;Bucket</source>
        <translation>&amp;Bucket</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="134"/>
        <source>&amp;Region</source>
        <translation>地域(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="135"/>
        <source>&amp;Endpoint</source>
        <translation>接入地址(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="136"/>
        <source>Custom &amp;address</source>
        <translation>自定义地址(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="154"/>
        <source>Technical details</source>
        <translation>技术细节</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="164"/>
        <source>&amp;Test connection (spends one billed call)</source>
        <translation>测试连接（消耗一次计费调用）(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="168"/>
        <source>&amp;Save to keyring</source>
        <translation>保存到系统钥匙串(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="190"/>
        <source>Looking for the OS keyring…</source>
        <translation>正在查找系统钥匙串…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="207"/>
        <source>Current host (recognition.image.myqcloud.com)</source>
        <translation>当前域名（recognition.image.myqcloud.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="208"/>
        <source>Old host (service.image.myqcloud.com)</source>
        <translation>原域名（service.image.myqcloud.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="209"/>
        <source>Default host (iai.tencentcloudapi.com)</source>
        <translation>默认域名（iai.tencentcloudapi.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="210"/>
        <source>International host (iai.intl.tencentcloudapi.com)</source>
        <translation>国际站域名（iai.intl.tencentcloudapi.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="259"/>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="443"/>
        <source>The address changed: test the connection again.</source>
        <translation>地址已更改：请重新测试连接。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="306"/>
        <source>Credentials are kept in the OS keyring (%1).</source>
        <translation>凭据保存在系统钥匙串中（%1）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="356"/>
        <source>Missing: %1</source>
        <translation>缺少：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="427"/>
        <source>Sending the sample photo once to %1…</source>
        <translation>正在向%1发送一次样张…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="446"/>
        <source>Request ID: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/credentials.py" line="449"/>
        <source>Connection works: %1 answered (score %2).</source>
        <translation>连接正常：%1已应答（分数 %2）。</translation>
    </message>
</context>
<context>
    <name>DecisionArea</name>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decisions.py" line="145"/>
        <source>Operator&apos;s decision</source>
        <translation>操作员决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decisions.py" line="147"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decisions.py" line="148"/>
        <source>Refuse</source>
        <translation>驳回</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decisions.py" line="189"/>
        <source>Nothing was judged, so there is nothing to decide: remove it from the queue (Delete).</source>
        <translation>未经判定，因此无需决定：请将其从队列中移除（Delete）。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/queue/decisions.py" line="193"/>
        <source>%n photo(s) selected: one record each</source>
        <translation>
            <numerusform>已选 %n 张照片：每张各写入一条记录</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DecisionFlow</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="51"/>
        <source>Case for the next photos: %1</source>
        <translation>后续照片的案件：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="52"/>
        <source>No case: the next photos come in without a reference.</source>
        <translation>无案件：后续照片不带编号。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="72"/>
        <source>%1 the %2 selected photos? One record is written for each.</source>
        <translation>对所选的 %2 张照片执行“%1”？每张照片各写入一条记录。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="82"/>
        <source>Select checked photos with a PASS or FAIL verdict first.</source>
        <translation>请先选择结论为通过或不通过的已检测照片。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="87"/>
        <source>Decide as the machine judged: accept %1 PASS and reject %2 FAIL photo(s)? One record is written for each.</source>
        <translation>按机器结论决定：接受 %1 张通过、拒绝 %2 张不通过的照片？每张照片各写入一条记录。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="111"/>
        <source>Decide on several photos</source>
        <translation>对多张照片作出决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="131"/>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="135"/>
        <source>Every checked photo has a decision.</source>
        <translation>所有已检测的照片都已作出决定。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="137"/>
        <source>Nothing else waits for a decision.</source>
        <translation>没有其他待决定的项目。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="155"/>
        <source>Withdrawn: your decision on %1.</source>
        <translation>已撤回：您对 %1 的决定。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="157"/>
        <source>Approved: %1.</source>
        <translation>已批准：%1。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="158"/>
        <source>Refused: %1 is open again.</source>
        <translation>已驳回：%1 重新待决定。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="160"/>
        <source>%n decision(s) recorded, awaiting another operator&apos;s approval.</source>
        <translation>
            <numerusform>已记录 %n 个决定，等待另一位操作员批准。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/window/deciding.py" line="163"/>
        <source>%n decision(s) recorded: %1.</source>
        <translation>
            <numerusform>已记录 %n 个决定：%1。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="100"/>
        <source>Accept (Alt+A)</source>
        <translation>接受 (Alt+A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="101"/>
        <source>Reject (Alt+R)</source>
        <translation>拒绝 (Alt+R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="102"/>
        <source>Escalate (Alt+E)</source>
        <translation>上报 (Alt+E)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="103"/>
        <source>Reas&amp;on</source>
        <translation>理由(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="105"/>
        <source>Case / a&amp;pplicant reference</source>
        <translation>案件/申请人编号(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="104"/>
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="106"/>
        <source>Type or scan</source>
        <translation>输入或扫码</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="109"/>
        <source>(no reason)</source>
        <translation>（无理由）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/decision_panel.py" line="139"/>
        <source>This decision goes against the machine&apos;s verdict: choose a reason.</source>
        <translation>此决定与机器判断相反：请选择理由。</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="300"/>
        <source>Operator: %1</source>
        <translation>操作员：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="362"/>
        <source>Paused: the service rejected the credentials. Fix them, then resume.</source>
        <translation>已暂停：服务拒绝了凭据。请修正后继续。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="371"/>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="461"/>
        <source>%n photo(s) held by the pre-checks: see the preview, then Send anyway or remove them.</source>
        <translation>
            <numerusform>%n 张照片被预检暂缓：请查看预览，然后选择“仍然发送”或将其移除。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="381"/>
        <source>Starting… the checks begin in a moment.</source>
        <translation>正在启动……检测即将开始。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="466"/>
        <source>Working out what %n photo(s) will cost…</source>
        <translation>
            <numerusform>正在计算 %n 张照片的费用…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="487"/>
        <source>Nothing sent.</source>
        <translation>未发送任何照片。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="507"/>
        <source>Still paused: the service rejected these credentials. Enter the right ones (Settings, Credentials) or choose another connection, then resume.</source>
        <translation>仍处于暂停状态：服务拒绝了这些凭据。请输入正确的凭据（设置 › 凭据）或选择其他连接，然后继续。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="536"/>
        <source>Cancelled: photos not yet sent stay in the queue; those already sent finish.</source>
        <translation>已取消：尚未发送的照片留在队列中；已发送的照片会完成检测。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="602"/>
        <source>A file or folder could not be read or written.</source>
        <translation>无法读取或写入某个文件或文件夹。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/controller.py" line="604"/>
        <source>Something went wrong in the background; the desk carries on.</source>
        <translation>后台任务出错；检测台继续运行。</translation>
    </message>
</context>
<context>
    <name>DeskStatusBar</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="102"/>
        <source>%1 photos · %2 pass · %3 fail · %4 error</source>
        <translation>%1 张照片 · %2 通过 · %3 未通过 · %4 错误</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="106"/>
        <source>%1 held</source>
        <translation>%1 张暂扣</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="108"/>
        <source>%1 refused</source>
        <translation>%1 张已拒收</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="110"/>
        <source>Checking %1 of %2</source>
        <translation>正在检测 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="114"/>
        <source>about %1 left</source>
        <translation>约剩 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="126"/>
        <source>To decide: %1</source>
        <translation>待决定：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="128"/>
        <source>escalated %1</source>
        <translation>已上报 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="130"/>
        <source>awaiting approval %1</source>
        <translation>待复核 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="133"/>
        <source>To decide: %1 · escalated %2 · awaiting approval %3</source>
        <translation>待决定：%1 · 已上报 %2 · 待复核 %3</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="139"/>
        <source>Audit trail: checking…</source>
        <translation>审计记录：正在校验…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="142"/>
        <source>✔ Audit trail intact</source>
        <translation>✔ 审计记录完好</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="145"/>
        <source>✖ AUDIT TRAIL ALTERED</source>
        <translation>✖ 审计记录已被篡改</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="146"/>
        <source>✖ Audit trail cannot be verified</source>
        <translation>✖ 无法校验审计记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="159"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="161"/>
        <source>Sandbox (simulated scores)</source>
        <translation>沙箱（模拟分数）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="162"/>
        <source>Profile: %1</source>
        <translation>配置：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="163"/>
        <source>Credentials from LIVEDETECT_* variables</source>
        <translation>凭据来自 LIVEDETECT_* 环境变量</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="164"/>
        <source>Session credentials (not saved)</source>
        <translation>会话凭据（未保存）</translation>
    </message>
</context>
<context>
    <name>DeskViews</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/views.py" line="120"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/views.py" line="121"/>
        <source>Worklist</source>
        <translation>待办清单</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/views.py" line="122"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/views.py" line="123"/>
        <source>Case</source>
        <translation>案件</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/help.py" line="22"/>
        <source>Keyboard shortcuts and quick guide</source>
        <translation>快捷键与快速指南</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/help.py" line="24"/>
        <source>&lt;p&gt;&lt;b&gt;1. Bring photos in&lt;/b&gt;: drop files or folders on the window, open them, paste an image, type an image URL, or capture one with the camera panel. Each photo is prepared to the service&apos;s limits before any call; a photo the service would refuse is explained in the Details column and never sent.&lt;/p&gt;&lt;p&gt;&lt;b&gt;2. Check&lt;/b&gt;: run all, or only the selected photos. Every check is a billed call; a photo already judged is only checked again after you confirm.&lt;/p&gt;&lt;p&gt;&lt;b&gt;3. Read the verdict&lt;/b&gt;: PASS when the score is above the threshold in the toolbar. Changing the threshold re-judges the scores already received, without a new call.&lt;/p&gt;&lt;p&gt;&lt;b&gt;4. Decide&lt;/b&gt;: Accept (Alt+A), Reject (Alt+R) or Escalate (Alt+E) the record selected in the Queue, the Worklist, History or a Case; going against the verdict needs a reason. Select several rows to decide them at once (asked once, one record each); Ctrl+Shift+D decides them as the machine judged; Ctrl+Z withdraws your last decision. The Worklist keeps every check still to decide, across restarts; Ctrl+Shift+N goes to the next one. Scan or type a case reference in the toolbar (Ctrl+Shift+K) before the photos of an applicant; the Case tab says when the case is complete.&lt;/p&gt;&lt;p&gt;In the &lt;b&gt;sandbox&lt;/b&gt; (the yellow banner) scores are simulated: nothing is sent to the cloud service and nothing is billed. Every check is kept in the History tab.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;1. 添加照片&lt;/b&gt;：将文件或文件夹拖到窗口中、打开文件、粘贴图片、输入图片 URL，或用拍摄面板拍摄。每张照片在调用服务之前都会按服务的限制进行预处理；服务会拒绝的照片会在“详情”列中说明原因，且不会发送。&lt;/p&gt;&lt;p&gt;&lt;b&gt;2. 检测&lt;/b&gt;：检测全部照片，或只检测选中的照片。每次检测都会计费；已有判定结果的照片只有在您确认后才会再次检测。&lt;/p&gt;&lt;p&gt;&lt;b&gt;3. 查看判定&lt;/b&gt;：分数高于工具栏中的阈值即为“通过”。修改阈值会用已收到的分数重新判定，不会产生新的调用。&lt;/p&gt;&lt;p&gt;&lt;b&gt;4. 作出决定&lt;/b&gt;：对“队列”、“待办清单”、“历史”或“案件”中选中的记录按 接受（Alt+A）、拒绝（Alt+R）或上报（Alt+E）；与机器结论相反的决定需要选择理由。选中多行可一次决定（只询问一次，每张各写入一条记录）；Ctrl+Shift+D 按机器结论决定所选；Ctrl+Z 撤回您的上一个决定。“待办清单”保存所有待决定的检测，重启后依然保留；Ctrl+Shift+N 转到下一项。拍摄某位申请人的照片前，在工具栏扫描或输入案件编号（Ctrl+Shift+K）；“案件”标签页会显示案件是否已完成。&lt;/p&gt;&lt;p&gt;在&lt;b&gt;沙箱&lt;/b&gt;模式（黄色横幅）下分数为模拟值：不会发送到云服务，也不会计费。所有检测都保存在“历史”标签页中。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/help.py" line="48"/>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/help.py" line="48"/>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="80"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="80"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="80"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="80"/>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="81"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="81"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="81"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="82"/>
        <source>Code / message</source>
        <translation>错误码 / 信息</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="81"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="82"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="192"/>
        <source>Retention cut</source>
        <translation>保留期截断</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="207"/>
        <source>⚠ ALTERED</source>
        <translation>⚠ 已篡改</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="214"/>
        <source>This record was altered after it was written: do not rely on it.</source>
        <translation>此记录在写入后被修改：请勿依赖。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="246"/>
        <source>Simulated</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="246"/>
        <source>Live</source>
        <translation>真实</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="214"/>
        <source>All verdicts</source>
        <translation>全部结论</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="216"/>
        <source>Live and simulated</source>
        <translation>真实与模拟</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="216"/>
        <source>Live</source>
        <translation>真实</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="217"/>
        <source>Simulated</source>
        <translation>模拟</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="218"/>
        <source>Checks and decisions</source>
        <translation>检测与决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="219"/>
        <source>Checks</source>
        <translation>检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="219"/>
        <source>Decisions</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="220"/>
        <source>Any state</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="220"/>
        <source>Undecided</source>
        <translation>待决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="221"/>
        <source>Held, not sent</source>
        <translation>已暂缓、未发送</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="222"/>
        <source>Undecided: judged checks with no decision yet (as in the worklist). Held: photos the pre-checks held that were never sent.</source>
        <translation>待决定：已判定但尚未决定的检测（与工作清单相同）。已暂缓：被预检暂缓且从未发送的照片。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="225"/>
        <source>Decision state filter</source>
        <translation>决定状态筛选</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="226"/>
        <source>Verdict filter</source>
        <translation>结论筛选</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="227"/>
        <source>Live or simulated filter</source>
        <translation>真实/模拟筛选</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="228"/>
        <source>Record kind filter</source>
        <translation>记录类型筛选</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="229"/>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="230"/>
        <source>Search sources and references</source>
        <translation>搜索来源和案件编号</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="327"/>
        <source>newest signed checkpoint: %1</source>
        <translation>最新签署的检查点：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="348"/>
        <source>%1 of %2 records shown</source>
        <translation>显示 %1 条（共 %2 条记录）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="351"/>
        <source>%1 loaded</source>
        <translation>已加载 %1 条</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="390"/>
        <source>The photo as sent</source>
        <translation>发送时的照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="391"/>
        <source>NOT the photo as sent: this kept file was replaced or edited after the check (it does not match the record)</source>
        <translation>不是发送时的照片：此留存文件在检测后被替换或修改（与记录不符）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="402"/>
        <source>⚠ This record was altered after it was written: do not rely on it.</source>
        <translation>⚠ 此记录在写入后被修改：请勿依赖。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="404"/>
        <source>Time: %1</source>
        <translation>时间：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="405"/>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="407"/>
        <source>Verdict: %1</source>
        <translation>判定：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="408"/>
        <source>Score %1, threshold %2</source>
        <translation>分数 %1，阈值 %2</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="411"/>
        <source>Message: %1</source>
        <translation>消息：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="413"/>
        <source>Decision: %1</source>
        <translation>决定：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="419"/>
        <source>Latest decision: %1</source>
        <translation>最新决定：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="421"/>
        <source>Mode: %1</source>
        <translation>模式：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="422"/>
        <source>Backend: %1 (%2)</source>
        <translation>后端：%1（%2）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="424"/>
        <source>Request id: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="425"/>
        <source>Operator: %1 (login %2, desk %3)</source>
        <translation>操作员：%1（登录用户 %2，工作台 %3）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="495"/>
        <source>Exported %1 records to %2</source>
        <translation>已将 %1 条记录导出到 %2</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="231"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="211"/>
        <source>S&amp;ince</source>
        <translation>从(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="212"/>
        <source>&amp;Until</source>
        <translation>至(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="232"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="233"/>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="234"/>
        <source>Record details</source>
        <translation>记录详情</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="235"/>
        <source>Records</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="236"/>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="315"/>
        <source>Audit trail: checking the chain…</source>
        <translation>审计记录：正在校验哈希链…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="318"/>
        <source>✖ The audit trail cannot be verified: %1</source>
        <translation>✖ 无法校验审计记录：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="322"/>
        <source>✔ Audit trail verified: %1 records, chain intact</source>
        <translation>✔ 审计记录已校验：%1 条记录，哈希链完好</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="333"/>
        <source>✖ AUDIT TRAIL ALTERED — do not rely on these records: %1</source>
        <translation>✖ 审计记录已被篡改——请勿依赖这些记录：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="355"/>
        <source>History could not be read: %1</source>
        <translation>无法读取历史记录：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="343"/>
        <source>History is off: %1</source>
        <translation>历史记录不可用：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="445"/>
        <source>Export history</source>
        <translation>导出历史记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="447"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="471"/>
        <source>Exporting… %1 records written</source>
        <translation>正在导出… 已写入 %1 条记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="485"/>
        <source>Export cancelled; %1 was not changed</source>
        <translation>已取消导出；%1 未被改动</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="488"/>
        <location filename="../../livedetect_gui/ui/audit/history_view.py" line="492"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/history_model.py" line="40"/>
        <source>en</source>
        <translation>zh</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="139"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="194"/>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="252"/>
        <source>LiveDetect Desk</source>
        <translation>LiveDetect 活体检测台</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="199"/>
        <source>Run all checks</source>
        <translation>全部检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="200"/>
        <source>Cancel checks</source>
        <translation>取消检测</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/main_window.py" line="206"/>
        <source>Photo queue</source>
        <translation>照片队列</translation>
    </message>
</context>
<context>
    <name>OperatorButton</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="78"/>
        <source>Operator: %1</source>
        <translation>操作员：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="79"/>
        <source>Operator: (not set)</source>
        <translation>操作员：（未设置）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="80"/>
        <source>Change the operator at this desk (a new shift)</source>
        <translation>更换本工作台的操作员（换班）</translation>
    </message>
</context>
<context>
    <name>OperatorDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="29"/>
        <source>Who is at the desk?</source>
        <translation>谁在使用本工作台？</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="31"/>
        <source>Your name or operator ID is recorded with every check and decision you make at this desk. It is remembered on this computer until you change it (click it in the status bar).</source>
        <translation>您的姓名或操作员编号会随您在本工作台上的每次检测和决定一起记录。它会保存在这台电脑上，直到您更改（点击状态栏中的名字）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="38"/>
        <location filename="../../livedetect_gui/ui/dialogs/operator.py" line="39"/>
        <source>Name or operator ID</source>
        <translation>姓名或操作员编号</translation>
    </message>
</context>
<context>
    <name>PauseBanner</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/pause_banner.py" line="46"/>
        <source>&amp;Credentials…</source>
        <translation>凭据(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/pause_banner.py" line="47"/>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/pause_banner.py" line="48"/>
        <source>Queue paused</source>
        <translation>队列已暂停</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/pause_banner.py" line="52"/>
        <source>Queue paused: the service rejected the credentials.</source>
        <translation>队列已暂停：服务拒绝了凭据。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/pause_banner.py" line="55"/>
        <source>Nothing more is sent until you resume. Fix the appid, secret id and secret key (or the account&apos;s billing) under Credentials, then Resume: the photos not sent are sent then.</source>
        <translation>在您继续之前不会再发送任何照片。请在“凭据”中修正 appid、secret id 和 secret key（或账号的欠费状态），然后点“继续”：未发送的照片届时再发送。</translation>
    </message>
</context>
<context>
    <name>PhotoInput</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="44"/>
        <source>Open photos</source>
        <translation>打开照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="45"/>
        <source>Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff *.gif *.heic *.heif);;All files (*)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp *.bmp *.tif *.tiff *.gif *.heic *.heif);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="61"/>
        <source>clipboard %1</source>
        <translation>剪贴板 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="63"/>
        <source>The clipboard holds no image.</source>
        <translation>剪贴板中没有图片。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="72"/>
        <source>Not an image URL: use a full address starting with http:// or https://</source>
        <translation>不是图片 URL：请使用以 http:// 或 https:// 开头的完整地址</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/photo_input.py" line="79"/>
        <source>dropped image</source>
        <translation>拖入的图片</translation>
    </message>
</context>
<context>
    <name>PhotoIntake</name>
    <message>
        <location filename="../../livedetect_gui/ui/desk/intake.py" line="112"/>
        <source>%1 files skipped (not images)</source>
        <translation>已跳过 %1 个文件（不是图片）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/intake.py" line="219"/>
        <source>%1 (face)</source>
        <translation>%1（人脸）</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="246"/>
        <source>No photo selected</source>
        <translation>未选择照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="249"/>
        <source>Drop photos or folders here, open them, or paste an image (the shortcuts are in Help).</source>
        <translation>将照片或文件夹拖到这里、打开文件，或粘贴图片（快捷键见“帮助”菜单）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="275"/>
        <source>Not sent, nothing billed. Send it anyway, retake it, or remove it.</source>
        <translation>未发送，未计费。可以仍然发送、重拍或移除。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="278"/>
        <source>The provider advises a 3:4 portrait with the face in the middle: Crop to the face adds such a copy to the queue (the original stays).</source>
        <translation>服务商建议使用人脸居中的 3:4 竖幅照片：“裁剪到人脸”会把这样的副本加入队列（原图保留）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="286"/>
        <source>Send anyway (simulated, not billed)</source>
        <translation>仍然发送（模拟，不计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="287"/>
        <source>Send anyway (billed)</source>
        <translation>仍然发送（计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="289"/>
        <source>Crop to the face</source>
        <translation>裁剪到人脸</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="305"/>
        <source>Preparing…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="305"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="306"/>
        <source>Checking…</source>
        <translation>检测中…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="306"/>
        <source>Held</source>
        <translation>已暂缓</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="312"/>
        <source>Threshold %1</source>
        <translation>阈值 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="315"/>
        <source>Score %1 %2 threshold %3</source>
        <translation>分数 %1 %2 阈值 %3</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="325"/>
        <source>Decision: %1</source>
        <translation>决定：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="327"/>
        <source>by %1 at %2</source>
        <translation>由 %1 于 %2 作出</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="331"/>
        <source>Awaiting the operator&apos;s decision</source>
        <translation>等待操作员决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="339"/>
        <source>Original: %1×%2, %3</source>
        <translation>原图：%1×%2，%3</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="345"/>
        <source>Sent: %1×%2, %3 JPEG</source>
        <translation>发送：%1×%2，%3 JPEG</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="346"/>
        <source>To send: %1×%2, %3 JPEG</source>
        <translation>待发送：%1×%2，%3 JPEG</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="360"/>
        <source>Nothing was sent or billed, and nothing was judged, so there is nothing to decide: remove it from the queue (Delete).</source>
        <translation>未发送、未计费，也未经判定，因此无需决定：请将其从队列中移除（Delete）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="364"/>
        <source>Service code %1</source>
        <translation>服务错误码 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="369"/>
        <source>Checked with %1</source>
        <translation>检测服务：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="371"/>
        <source>Request ID: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="375"/>
        <source>Checked before on %1: that judgement is reused, nothing was sent or billed. Check again makes a new, billed call.</source>
        <translation>已于 %1 检测过：复用该判定结果，未发送也未计费。“重新检测”会发起一次新的计费调用。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="379"/>
        <source>A retry followed a failure the service may have processed: this photo may have been billed twice.</source>
        <translation>在服务可能已处理的失败之后进行了重试：此照片可能被计费两次。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/preview.py" line="386"/>
        <source>Technical details</source>
        <translation>技术细节</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="192"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="193"/>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="193"/>
        <source>Prepared</source>
        <translation>处理后</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="192"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="192"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="192"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="193"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="237"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="264"/>
        <source>may have been billed twice</source>
        <translation>可能被计费两次</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="274"/>
        <source>reused from %1, simulated (not billed)</source>
        <translation>复用 %1 的检测结果，模拟（未计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="275"/>
        <source>reused from %1, live service (not billed)</source>
        <translation>复用 %1 的检测结果，真实服务（未计费）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="309"/>
        <source>Request ID: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="314"/>
        <source>Technical details: %1</source>
        <translation>技术细节：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="322"/>
        <source>preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="323"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="324"/>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/queue/model.py" line="325"/>
        <source>held</source>
        <translation>已暂缓</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="164"/>
        <source>Per day</source>
        <translation>按天</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="165"/>
        <source>Per week</source>
        <translation>按周</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="167"/>
        <source>Report period</source>
        <translation>报告时段</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="170"/>
        <source>All operators</source>
        <translation>全部操作员</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="171"/>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="172"/>
        <source>Include simulated</source>
        <translation>包含模拟记录</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="160"/>
        <source>S&amp;ince</source>
        <translation>从(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="161"/>
        <source>&amp;Until</source>
        <translation>至(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="173"/>
        <source>Threshold line</source>
        <translation>阈值线</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="174"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="175"/>
        <source>Build report</source>
        <translation>生成报告</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="176"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="177"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="178"/>
        <source>By period</source>
        <translation>按时段</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="179"/>
        <source>By operator</source>
        <translation>按操作员</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="197"/>
        <source>Building the report…</source>
        <translation>正在生成报告…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="212"/>
        <source>The report could not be built: %1</source>
        <translation>无法生成报告：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="218"/>
        <source>%1 checks, %2 decisions</source>
        <translation>%1 次检测，%2 个决定</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="249"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="257"/>
        <source>Choose a date range and build the report.</source>
        <translation>请选择日期范围并生成报告。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="262"/>
        <source>Audit trail: %1</source>
        <translation>审计记录：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="267"/>
        <source>✖ AUDIT TRAIL ALTERED — do not rely on these records: %1</source>
        <translation>✖ 审计记录已被篡改——请勿依赖这些记录：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="278"/>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="285"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="298"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="309"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="312"/>
        <source>Report written to %1</source>
        <translation>报告已写入 %1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/reports_view.py" line="313"/>
        <source>Report written to %1: %2 rows</source>
        <translation>报告已写入 %1：%2 行</translation>
    </message>
</context>
<context>
    <name>SandboxBanner</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="66"/>
        <source>SANDBOX — scores are simulated, not a liveness judgement. Nothing is sent to the cloud service and nothing is billed.</source>
        <translation>沙箱模式 — 分数为模拟值，并非活体判断。不会发送到云服务，也不会计费。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="68"/>
        <source>Use a real profile…</source>
        <translation>使用正式配置…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="69"/>
        <source>Si&amp;mulate:</source>
        <translation>模拟(&amp;M)：</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="72"/>
        <source>Service generation the sandbox simulates</source>
        <translation>沙箱模拟的服务版本</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/status.py" line="73"/>
        <source>Sandbox mode</source>
        <translation>沙箱模式</translation>
    </message>
</context>
<context>
    <name>SavedQueue</name>
    <message>
        <location filename="../../livedetect_gui/ui/desk/queue_saver.py" line="97"/>
        <source>The queue could not be saved to disk (is it full?). The desk carries on; photos added now may not come back after a restart.</source>
        <translation>队列无法保存到磁盘（磁盘是否已满？）。程序继续运行，但现在添加的照片在重启后可能无法恢复。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/queue_saver.py" line="133"/>
        <source>The saved queue could not be read; it was set aside and the desk starts with an empty queue.</source>
        <translation>无法读取已保存的队列；该文件已另存，程序以空队列启动。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/queue_saver.py" line="137"/>
        <source>The saved queue could not be read.</source>
        <translation>无法读取已保存的队列。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/queue_saver.py" line="140"/>
        <source>Some photos of the saved queue could not be restored (their saved copy is missing or damaged); the others are back.</source>
        <translation>已保存队列中的部分照片无法恢复（其保存的副本缺失或损坏）；其余照片已恢复。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/queue_saver.py" line="166"/>
        <source>Queue restored: %1 photos, %2 not yet checked (Run all checks them; photos already judged are not sent again).</source>
        <translation>队列已恢复：%1 张照片，%2 张尚未检测（“全部运行”会检测它们；已判定的照片不会重复发送）。</translation>
    </message>
</context>
<context>
    <name>SendAnywayDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="27"/>
        <source>Send anyway?</source>
        <translation>仍要发送？</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="28"/>
        <source>Held photos to send: %1. The pre-checks found:</source>
        <translation>将发送的暂缓照片：%1 张。预检发现：</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="39"/>
        <source>(no reason)</source>
        <translation>（无理由）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="45"/>
        <source>Reas&amp;on</source>
        <translation>理由(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="46"/>
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="47"/>
        <source>The override is recorded in the audit trail with your name.</source>
        <translation>此次越过预检将以您的名字记入审计记录。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="51"/>
        <source>&amp;Send (simulated, not billed)</source>
        <translation>发送（模拟，不计费）(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/send_anyway.py" line="51"/>
        <source>&amp;Send (billed)</source>
        <translation>发送（计费）(&amp;S)</translation>
    </message>
</context>
<context>
    <name>ServiceConnection</name>
    <message>
        <location filename="../../livedetect_gui/ui/desk/connection.py" line="103"/>
        <source>Meanwhile the desk runs in the sandbox; choose credentials under Settings.</source>
        <translation>检测台暂时在沙箱中运行；请在“设置”菜单中选择凭据。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/connection.py" line="106"/>
        <source>No usable OS keyring: running in the sandbox. Credentials can be used for this session.</source>
        <translation>没有可用的系统密钥环：正在沙箱中运行。可以仅在本次会话中使用凭据。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/desk/connection.py" line="142"/>
        <source>Wait for the running checks or cancel them first.</source>
        <translation>请等待正在进行的检测完成，或先取消它们。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="38"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="41"/>
        <source>Current host (recognition.image.myqcloud.com)</source>
        <translation>当前域名（recognition.image.myqcloud.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="42"/>
        <source>Old host (service.image.myqcloud.com)</source>
        <translation>原域名（service.image.myqcloud.com）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="43"/>
        <source>Custom address</source>
        <translation>自定义地址</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="53"/>
        <source>Use HTTPS</source>
        <translation>使用 HTTPS</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="66"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="73"/>
        <source>keep forever</source>
        <translation>永久保留</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="75"/>
        <source>Hold photos the service would refuse or score meaninglessly (pre-checks)</source>
        <translation>暂缓服务会拒绝或评分无意义的照片（预检）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="79"/>
        <source>Four eyes: decisions against the verdict and escalations wait for another operator&apos;s approval</source>
        <translation>四眼复核：与机器结论相反的决定和上报须经另一位操作员批准</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="84"/>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="87"/>
        <source>never ask</source>
        <translation>从不询问</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="90"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="96"/>
        <source>not kept</source>
        <translation>不保留</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="101"/>
        <source>One reason a line; empty: the standard list.</source>
        <translation>每行一个理由；留空则使用标准列表。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="105"/>
        <source>empty: this desk&apos;s own history file</source>
        <translation>留空：使用本工作台自己的历史文件</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="107"/>
        <source>A review centre&apos;s shared history, e.g. postgresql://desk@db.example:5432/audit?sslmode=require (no password here). Takes effect when the desk starts again.</source>
        <translation>审核中心的共享历史记录，例如 postgresql://desk@db.example:5432/audit?sslmode=require（此处不要写密码）。工作台重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="113"/>
        <source>unchanged (kept in the OS keyring)</source>
        <translation>不变（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="120"/>
        <source>&amp;Endpoint</source>
        <translation>服务地址(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="121"/>
        <source>Custom &amp;address</source>
        <translation>自定义地址(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="124"/>
        <source>&amp;Connect timeout</source>
        <translation>连接超时(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="125"/>
        <source>&amp;Read timeout</source>
        <translation>读取超时(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="126"/>
        <source>Con&amp;current checks</source>
        <translation>并发检测数(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="127"/>
        <source>&amp;Proxy</source>
        <translation>代理(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="128"/>
        <source>Proxy pass&amp;word</source>
        <translation>代理密码(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="129"/>
        <source>CA &amp;bundle</source>
        <translation>CA 证书(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="130"/>
        <source>&amp;Signature validity</source>
        <translation>签名有效期(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="131"/>
        <source>Keep &amp;history for</source>
        <translation>历史记录保留(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="133"/>
        <source>Reuse a &amp;judgement for</source>
        <translation>判定结果复用期限(&amp;J)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="134"/>
        <source>Show the cost of batches &amp;over</source>
        <translation>批量超过此数时显示费用(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="135"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="136"/>
        <source>&amp;Keep photos as sent for</source>
        <translation>保留发送的照片(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="137"/>
        <source>&amp;Decision reasons</source>
        <translation>决定理由(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="139"/>
        <source>Shared histor&amp;y</source>
        <translation>共享历史记录(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="140"/>
        <source>Database pass&amp;word</source>
        <translation>数据库密码(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="176"/>
        <source>This history address cannot be used: %1</source>
        <translation>无法使用此历史记录地址：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="238"/>
        <source>Type the service&apos;s address, e.g. https://host:port.</source>
        <translation>请输入服务地址，例如 https://host:port。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="241"/>
        <source>Use a full address starting with http:// or https:// (for example https://%1).</source>
        <translation>请使用以 http:// 或 https:// 开头的完整地址（例如 https://%1）。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="247"/>
        <source>The port in this address is not a number from 1 to 65535.</source>
        <translation>该地址中的端口不是 1 到 65535 之间的数字。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="204"/>
        <source>CA bundle</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/dialogs/settings.py" line="205"/>
        <source>Certificates (*.pem *.crt);;All (*)</source>
        <translation>证书 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>SetupDialogs</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/setup_dialogs.py" line="60"/>
        <source>The new history location takes effect when the desk starts again.</source>
        <translation>新的历史记录位置将在工作台重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/setup_dialogs.py" line="86"/>
        <source>About LiveDetect Desk</source>
        <translation>关于 LiveDetect 活体检测台</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/setup_dialogs.py" line="87"/>
        <source>LiveDetect Desk %1
Static-photo liveness checks for review desks.</source>
        <translation>LiveDetect 活体检测台 %1
面向审核台的静态照片活体检测。</translation>
    </message>
</context>
<context>
    <name>ThresholdField</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="114"/>
        <source>&amp;Threshold</source>
        <translation>阈值(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="116"/>
        <source>Pass threshold (%1)</source>
        <translation>通过阈值（%1）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="117"/>
        <source>A photo passes when its score is above this (%1 scale)</source>
        <translation>分数高于此值即通过（%1 的分数标度）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="126"/>
        <source>%1 (recommended)</source>
        <translation>%1（推荐）</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="130"/>
        <source>Levels</source>
        <translation>档位</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="131"/>
        <source>The provider&apos;s threshold levels for %1; any other value can be typed</source>
        <translation>服务商为%1提供的阈值档位；也可输入其他任意值</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="133"/>
        <source>Threshold levels</source>
        <translation>阈值档位</translation>
    </message>
</context>
<context>
    <name>UrlField</name>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="42"/>
        <source>Image URL for the service to fetch</source>
        <translation>由服务下载的图片 URL</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="44"/>
        <source>Image URL</source>
        <translation>图片 URL</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/window/fields.py" line="45"/>
        <source>Add URL</source>
        <translation>添加 URL</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="47"/>
        <source>Checked</source>
        <translation>检测时间</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="47"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="47"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="47"/>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="48"/>
        <source>Needs</source>
        <translation>需要</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="48"/>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="48"/>
        <source>Decided by</source>
        <translation>决定人</translation>
    </message>
</context>
<context>
    <name>WorklistPanel</name>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="93"/>
        <source>The worklist could not be read: %1</source>
        <translation>无法读取待办清单：%1</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="99"/>
        <source>Worklist</source>
        <translation>待办清单</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="121"/>
        <source>Nothing waits for a decision.</source>
        <translation>没有待决定的项目。</translation>
    </message>
    <message>
        <location filename="../../livedetect_gui/ui/audit/worklist_view.py" line="123"/>
        <source>%1 undecided · %2 escalated · %3 awaiting approval, oldest first</source>
        <translation>%1 待决定 · %2 已上报 · %3 待复核，最早的在前</translation>
    </message>
</context>
</TS>
