BBBBBBB BBBBBBBBBBBBBBB BBBB
BBBBB BBBBB gettext(u'Report a serious concern') BBBBBBBB
BBBBB BBBBBBB
XX XXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX XXXXXXBBB BBBBBBBBBBBBBB BBBBBBBBBBBBBBBXX gettext(u'Back to the case')  XXXXXXXX
XXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Report a serious concern') XXXXX
XXXX XXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Acute danger to life or health: call 112 now.') XXXXX
  XX XXXXXXXXXXXXXXXXXXXXX gettext(u'Do not wait to fill in this page. Record the report afterwards.') XXXX
XXXXXX
XXXX XXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Serious concern, not acute') XXXXX
  XXX XXXXXXXXXXXXXXXX
    XXXX gettext(u'Contact the police radicalisation contact, or the police on 02800. The police pass serious cases on to PST; you may also report to PST directly.') XXXXX
    XXXX gettext(u'The duty to avert serious offences (straffeloven § 196) is personal and overrides confidentiality when an offence is certain or most likely. Nobody may stop you from reporting.') XXXXX
    XXXX gettext(u'Share only what is needed, and describe what you have observed rather than conclusions.') XXXXX
    XXXX gettext(u'Involve your leader when time allows, and decide whether the person can be told.') XXXXX
  XXXXX
  XX XXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXX gettext(u'Sources: the national guide on preventing radicalisation and violent extremism (regjeringen.no); straffeloven § 196 and § 287, forvaltningsloven § 13 b (lovdata.no).') XXXX
XXXXXX
BB BBBBBBBBBBBBBBBBBBBB
XXXX XXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'The person is under 18: the duty to inform child welfare') XXXXX
  XX XXXXXXXXXXXXXXXXXXXXX gettext(u'Public employees must inform the child welfare service without delay when there is reason to believe that a child is mistreated or seriously neglected at home, has lasting serious health problems or a disability without the care it needs, shows serious behavioural problems, or is being exploited for human trafficking (barnevernsloven § 13-2). Inform child welfare in parallel with the police when these conditions are met.') XXXX
XXXXXX
BBBBB
XXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Record the report') XXXXX
XX XXXXXXXXXXXXXXXXXXXXX gettext(u'Only how urgent it is and the recipient are required now. Complete the rest when you can.') XXXX
BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBB
XXXXX XXXXXXXXXXXXX XXXXXXXXXX XXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXBBB BBBBBBBBX XXXXXXXXXXXXXXXXXXXXX
  BBBBBBBBBB
  BBB BBBBB BB BBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBB
  BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
  XXXXXXX XXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXX gettext(u'Record the report') XXXXXXXXX
XXXXXXX
BBBBBBBB
