package avail
import "testing"
func TestReadScratch(t *testing.T) {
	for _, s := range []string{"月水金の午前中なら大丈夫です","火曜と木曜の10時から3時まで","土日以外ならいつでも","平日の午前、でも水曜はだめです","月曜はだめです","週に2回くらい","今月はお休み","植木の手入れ","平日は仕事なので土日がいいです","午前中は無理ですが午後なら大丈夫","えーと、１０時〜１５時くらいで、月曜と木曜","平日の午前","夜7時から9時まで"} {
		r, err := Read(s)
		t.Logf("%s -> free=%s except=%s apply=%s err=%v", s, r.Free.Japanese(), r.Except.Japanese(), r.Apply(Week{}).Japanese(), err)
	}
}
