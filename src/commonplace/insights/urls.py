from django.urls import path

from commonplace.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.find_experts, name="experts"),
]
