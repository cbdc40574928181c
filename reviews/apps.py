from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "评审"

    def ready(self):
        from core import navigation

        navigation.register(25, "审核队列", "reviews:queue", lambda u: u.role in ("county", "city") or u.is_province)
        navigation.register(35, "推荐文件", "reviews:recommendation_list", lambda u: u.role == "city" or u.is_province)
